"""The ranked hits: title, paragraph number, heading and highlighted fragment each."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from search.display.borrowed import borrowed_note
from search.display.fragments import fragment
from search.display.printable import printable_hit
from search.display.styles import HEADING_STYLE, PATH_STYLE, TITLE_STYLE, missing_note, styled_text
from search.results import Hit

FRAGMENT_CHARS = 240
MISSING_NAMED_TUI = 4  # the details line shares one row with the heading


def hit_prompt(hit: Hit) -> Text:
    """Three lines for one hit, highlighted exactly as the one-shot command does."""
    hit = printable_hit(hit)  # control characters shown, not sent to the terminal
    prompt = Text()
    prompt.append(f"{hit.rank}. ", style="dim")
    prompt.append_text(styled_text(hit.title or hit.path, hit.title_highlights, TITLE_STYLE))
    prompt.append("\n")
    prompt.append(f"¶{hit.paragraph}", style=PATH_STYLE)
    if hit.heading:
        prompt.append("  § ", style="dim")
        prompt.append(hit.heading, style=HEADING_STYLE)
    details = [d for d in (hit.source, hit.date.strftime("%Y-%m-%d") if hit.date else "") if d]
    away = borrowed_note(hit.matched_in)
    if away:  # words the paragraph takes from its title or heading, as the one-shot marks them
        details.append(away)
    if hit.missing:  # a partial match says so, as under the one-shot command's hits
        details.append(missing_note(hit.missing, named=MISSING_NAMED_TUI))
    if hit.copies:
        details.append(f"+{len(hit.copies)} cop{'ies' if len(hit.copies) > 1 else 'y'}")
    if details:
        prompt.append("  · " + " · ".join(details), style="dim")
    prompt.append("\n")
    text, spans = fragment(hit.text, hit.highlights, FRAGMENT_CHARS)
    prompt.append_text(styled_text(text, spans))
    return prompt


class ResultList(OptionList):
    """An OptionList of hits. A click selects (and previews); enter or a double click opens."""

    BINDINGS = [
        Binding("j", "cursor_down", "Next", show=False),
        Binding("k", "cursor_up", "Previous", show=False),
    ]

    class LeaveUp(Message):
        """Up was pressed on the first hit: the query box should take focus."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hits: list[Hit] = []
        self._shown = 0  # which show_hits the hits still to add belong to

    def show_hits(self, hits: list[Hit]) -> None:
        """The hits, the first screenful painted first: laying out fifty highlighted
        fragments before the first frame would put off what a person reads first."""
        self.hits = list(hits)
        self._shown += 1
        first = self._first_screenful()
        self.set_options(self._options_for(0, first))
        if self.hits:
            self.highlighted = 0
        if len(self.hits) > first:
            self.call_after_refresh(self._add_rest, self._shown, first)

    def _first_screenful(self) -> int:
        """Hits that fit on the screen (each takes three lines and a separator)."""
        rows = self.size.height or self.app.size.height
        return max(1, rows // 4 + 1)

    def _options_for(self, start: int, end: int) -> list[Option | None]:
        options: list[Option | None] = []
        for i in range(start, min(end, len(self.hits))):
            if i:
                options.append(None)  # a separator line between hits
            options.append(Option(hit_prompt(self.hits[i]), id=str(i)))
        return options

    def _add_rest(self, shown: int, start: int) -> None:
        if shown == self._shown:  # not replaced by a newer search's hits meanwhile
            self.add_options(self._options_for(start, len(self.hits)))

    def hit_for(self, option: Option) -> Hit | None:
        return self.hits[int(option.id)] if option.id is not None else None

    @property
    def selected_hit(self) -> Hit | None:
        option = self.highlighted_option
        return self.hit_for(option) if option is not None else None

    def action_cursor_up(self) -> None:
        if self.highlighted in (None, 0):
            self.post_message(self.LeaveUp())
            return
        super().action_cursor_up()

    async def _on_click(self, event: events.Click) -> None:
        event.prevent_default()  # OptionList's own handler would open on a single click
        clicked = event.style.meta.get("option")
        if clicked is None or self._options[clicked].disabled:
            return
        self.highlighted = clicked
        if event.chain >= 2:
            self.action_select()
