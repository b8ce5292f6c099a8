"""The full-screen document view opened with enter; escape goes back."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from search.display.printable import plain_text
from search.results import ALL_WORDS, Hit
from search.tui.messages import DocumentLoaded
from search.tui.widgets.document import DocumentView, header_text


class DocumentScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("n", "next_match", "Next match"),
        Binding("N", "previous_match", "Previous match"),
        Binding("y", "copy", "Copy citation"),
        Binding("o", "open_source", "Open file"),
    ]

    def __init__(self, hit: Hit, query: str, mode: str = ALL_WORDS) -> None:
        super().__init__()
        self.hit, self.query_text, self.mode = hit, query, mode

    def compose(self) -> ComposeResult:
        yield Static(header_text(self.hit), id="doc-title")
        yield DocumentView(show_header=False, id="document")
        yield Static(plain_text("Loading the document…"), id="doc-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DocumentView).focus()
        self.load()

    @work(thread=True, exclusive=True, group="document")
    def load(self) -> None:
        paragraphs = self.app.library.document(self.hit, self.query_text, self.mode)
        self.post_message(DocumentLoaded(self.hit, paragraphs, 0))

    async def on_document_loaded(self, message: DocumentLoaded) -> None:
        view = self.query_one(DocumentView)
        await view.show(message.hit, message.paragraphs or [message.hit])
        count = len(view.matches)
        self.query_one("#doc-status", Static).update(
            plain_text(
                f"¶{self.hit.paragraph} of {len(message.paragraphs)} · "
                f"{count} highlighted match{'es' * (count != 1)} (n / N to jump)"
            )
        )

    def _jump(self, step: int) -> None:
        where = self.query_one(DocumentView).jump(step)
        status = self.query_one("#doc-status", Static)
        status.update(
            plain_text(
                "No highlighted words in this document."
                if where is None
                else f"Match {where[0]} of {where[1]}"
            )
        )

    def action_next_match(self) -> None:
        self._jump(1)

    def action_previous_match(self) -> None:
        self._jump(-1)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_copy(self) -> None:
        para = self.query_one(DocumentView).current_paragraph or self.hit
        self.app.copy_citation(para)

    def action_open_source(self) -> None:
        self.app.open_source(self.hit)
