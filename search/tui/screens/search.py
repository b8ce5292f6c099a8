"""The main screen: query box, ranked hits, a preview of the selected hit's document,
the status line. Searches run in a worker thread, newest wins, after a pause that
adapts to the engine: as long as the last search took, at most DEBOUNCE_SECONDS.
A search of a few milliseconds runs at (nearly) every keystroke, as fzf does; a
slow one is not started again at every key while the person is still typing."""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, ProgressBar

from search.display.printable import plain_text
from search.results import ANY_WORD, SCORE, SORTS, Hit
from search.tui.messages import (
    DocumentLoaded,
    IndexProgress,
    LibraryFailed,
    LibraryOpened,
    SearchDone,
    SearchOutcome,
)
from search.tui.screens.document import DocumentScreen
from search.tui.shared_engine import Library
from search.tui.widgets.document import DocumentView
from search.tui.widgets.query_input import QueryInput
from search.tui.widgets.results import ResultList
from search.tui.widgets.status import StatusLine, status_text

DEBOUNCE_SECONDS = 0.15  # the longest pause; the first search waits this long too


def debounce_after(last_seconds: float | None) -> float:
    """How long to wait after a keystroke before searching: what the last search
    took (typing faster than the engine answers only queues searches that the
    next key makes stale), never more than DEBOUNCE_SECONDS."""
    if last_seconds is None:
        return DEBOUNCE_SECONDS
    return max(0.0, min(DEBOUNCE_SECONDS, last_seconds))


# Holding j/k or down should not lay out every document it passes over.
PREVIEW_DELAY_SECONDS = 0.08


class SearchScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "focus_query", "Query"),
        Binding("escape", "focus_query", "Query", show=False),
        Binding("y", "copy", "Copy citation"),
        Binding("o", "open_source", "Open file"),
        Binding("f2", "accept_suggestion", "Did you mean", show=False),
        Binding("f3", "toggle_fill", "Some words too"),
        Binding("f4", "cycle_sort", "Sort"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.outcome: SearchOutcome | None = None
        self._seq = 0  # the newest search asked for; older results are dropped
        self._preview_seq = 0
        self._timer: Timer | None = None
        self._focus_results = False
        self._preview_timer: Timer | None = None
        self._last_search_seconds: float | None = None  # wall time of the last search
        # F3: two-word queries are filled with paragraphs that have one of the words
        # too (the one-shot command's --fill; longer queries always are).
        self.fill = False
        # F4: by score, newest first, oldest first (the one-shot command's --sort).
        self.sort = SCORE

    def compose(self) -> ComposeResult:
        yield QueryInput(
            self.app.history,
            value=self.initial_query,
            placeholder='Search… (words, "phrases", OR, -word, title:…; F1 for help)',
            id="query",
        )
        yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="opening")
        with Horizontal(id="body"):
            yield ResultList(id="results")
            yield DocumentView(id="preview")
        yield StatusLine("Opening the index…", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(QueryInput).focus()
        if self.app.library is None:
            self.open_library()
        else:
            self._library_ready()

    # opening the index (building the default one from the seeds on first use)
    @work(thread=True, exclusive=True, group="open")
    def open_library(self) -> None:
        from index.errors import SearchToolError

        try:
            library = Library.open(self.app.index_option, self._progress)
        except SearchToolError as exc:
            self.post_message(LibraryFailed(str(exc)))
            return
        self.post_message(LibraryOpened(library))

    def _progress(self, text: str) -> None:
        self.post_message(IndexProgress(text))

    def on_index_progress(self, message: IndexProgress) -> None:
        self.query_one(StatusLine).update(plain_text(message.text + " …"))

    def on_library_failed(self, message: LibraryFailed) -> None:
        self.app.fail(message.error)

    def on_library_opened(self, message: LibraryOpened) -> None:
        self.app.library = message.library
        self._library_ready()

    def _library_ready(self) -> None:
        self.query_one("#opening").display = False
        self.info = self.app.library.info()
        self._show_status()
        if self.query_one(QueryInput).value.strip():
            self.start_search(self.query_one(QueryInput).value)

    # searching
    @on(Input.Changed, "#query")
    def query_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self.app.library is None:
            return  # searched once the index is open
        value = event.value
        delay = debounce_after(self._last_search_seconds)
        if delay <= 0:
            self.start_search(value)
            return
        self._timer = self.set_timer(delay, lambda: self.start_search(value))

    @on(Input.Submitted, "#query")
    def query_submitted(self, event: Input.Submitted) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.app.history.add(event.value)
        if self.app.library is not None:
            self._focus_results = True  # once this search's hits are in
            self.start_search(event.value)

    def start_search(self, text: str) -> None:
        self._seq += 1
        if not text.strip():
            self.outcome = None
            self.query_one(ResultList).show_hits([])
            self.query_one(DocumentView).clear()
            self._show_status()
            return
        self.run_search(self._seq, text, self.fill, self.sort)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, seq: int, text: str, fill: bool = False, sort: str = SCORE) -> None:
        from search.query.parsing import EmptyQuery

        outcome = SearchOutcome(seq, text)
        started = time.perf_counter()
        try:
            outcome.result = self.app.library.search(
                text, self.app.limit, True if fill else None, sort
            )
        except EmptyQuery as exc:
            outcome.error = str(exc)
        except Exception as exc:  # a damaged or vanished index: say so, keep the app
            outcome.error = f"search failed: {exc}"
        outcome.seconds = time.perf_counter() - started
        # A did-you-mean when nothing matched, or only some of the words did: the one
        # Engine.search already looked for (the CLI's), not a second lookup.
        result = outcome.result
        if result is not None and (not result.hits or result.mode == ANY_WORD):
            outcome.suggestion = result.suggestion
        self.post_message(SearchDone(outcome))

    def on_search_done(self, message: SearchDone) -> None:
        outcome = message.outcome
        self._last_search_seconds = outcome.seconds  # stale or not, the engine's pace
        if outcome.seq != self._seq:
            return  # a newer search was asked for meanwhile
        self.outcome = outcome
        results = self.query_one(ResultList)
        results.show_hits(outcome.result.hits if outcome.result is not None else [])
        if not results.hits:
            self.query_one(DocumentView).clear()
        elif self._focus_results and self.app.focused is self.query_one(QueryInput):
            results.focus()
        self._focus_results = False
        self._preview_timer: Timer | None = None
        self._show_status()

    def _show_status(self) -> None:
        text = status_text(
            self.outcome, getattr(self, "info", None), self.app.show_timing, self.fill, self.sort
        )
        self.query_one(StatusLine).update(text)

    # the preview of the highlighted hit
    @on(OptionList.OptionHighlighted, "#results")
    def hit_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        hit = self.query_one(ResultList).hit_for(event.option)
        if hit is None or self.outcome is None or self.outcome.result is None:
            return
        self._preview_seq += 1
        if self._preview_timer is not None:
            self._preview_timer.stop()
        seq, query, mode = self._preview_seq, self.outcome.query, self.outcome.result.mode
        self._preview_timer = self.set_timer(
            PREVIEW_DELAY_SECONDS, lambda: self.load_preview(seq, hit, query, mode)
        )

    @work(thread=True, exclusive=True, group="preview")
    def load_preview(self, seq: int, hit: Hit, query: str, mode: str) -> None:
        paragraphs = self.app.library.document(hit, query, mode)
        self.post_message(DocumentLoaded(hit, paragraphs, seq))

    async def on_document_loaded(self, message: DocumentLoaded) -> None:
        if message.seq == self._preview_seq:
            view = self.query_one(DocumentView)
            await view.show(message.hit, message.paragraphs or [message.hit])

    # opening a hit
    @on(OptionList.OptionSelected, "#results")
    def hit_selected(self, event: OptionList.OptionSelected) -> None:
        hit = self.query_one(ResultList).hit_for(event.option)
        if hit is None or self.outcome is None or self.outcome.result is None:
            return
        self.app.history.add(self.outcome.query)
        self.app.push_screen(DocumentScreen(hit, self.outcome.query, self.outcome.result.mode))

    @on(QueryInput.LeaveDown)
    def leave_down(self) -> None:
        results = self.query_one(ResultList)
        if results.hits:
            results.focus()

    @on(ResultList.LeaveUp)
    def leave_up(self) -> None:
        self.action_focus_query()

    def action_focus_query(self) -> None:
        self.query_one(QueryInput).focus()

    def action_copy(self) -> None:
        hit = self.query_one(ResultList).selected_hit
        if hit is not None:
            self.app.copy_citation(hit)

    def action_open_source(self) -> None:
        hit = self.query_one(ResultList).selected_hit
        if hit is not None:
            self.app.open_source(hit)

    def action_toggle_fill(self) -> None:
        self.fill = not self.fill
        self._search_again()

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._search_again()

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self._search_again()

    def reopen(self) -> None:
        """Open the app's (new) index, then search the query in the box again."""
        self.query_one("#opening").display = True
        self.query_one(StatusLine).update("Opening the index…")
        self.open_library()

    def _search_again(self) -> None:
        """The query in the box once more, after a change of F3 or F4."""
        text = self.query_one(QueryInput).value
        if self.app.library is None or not text.strip():
            self._show_status()
            return
        self.start_search(text)

    def action_accept_suggestion(self) -> None:
        if self.outcome is not None and self.outcome.suggestion:
            query = self.query_one(QueryInput)
            query.value = self.outcome.suggestion
            query.cursor_position = len(query.value)
            query.focus()
