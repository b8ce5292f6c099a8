"""The app's own commands in Textual's command palette (ctrl+p), and the small screen
that asks for another index folder. Textual's system commands (theme, keys, quit,
screenshot) stay beside them."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from search.results import SORTS

SORT_NAMES = {"score": "by score", "newest": "newest first", "oldest": "oldest first"}


def app_commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    """Fill, each order, opening another index: what F3/F4 do, and what has no key.
    `app` is the SearchApp (search.tui.app, which asks for these: typed as Textual's
    App so that the two do not import each other); `screen` is the one the palette
    was opened from."""
    from search.tui.screens.search import SearchScreen

    if isinstance(screen, SearchScreen):
        state = "on" if screen.fill else "off"
        yield SystemCommand(
            f"Some words too (fill, now {state})",
            "Two-word queries: also paragraphs with one of the words (F3)",
            screen.action_toggle_fill,
        )
        for sort in SORTS:
            if sort != screen.sort:
                yield SystemCommand(
                    f"Sort {SORT_NAMES.get(sort, sort)}",
                    "Order the hits (F4 cycles through the orders)",
                    lambda sort=sort: screen.set_sort(sort),
                )
    yield SystemCommand(
        "Open another index",
        "Search another index folder (as --index DIR)",
        app.action_open_index,
    )


class OpenIndexScreen(ModalScreen[str | None]):
    """Asks for an index folder; dismissed with the folder, or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="open-index-box"):
            yield Static("Index folder to open (escape: cancel)")
            yield Input(placeholder="~/archive-index", id="open-index-path")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
