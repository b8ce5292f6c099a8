"""The Textual app: holds the open index, the query history and app-wide actions
(quit, help, copy a citation, open a source file)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from search.display.printable import printable
from search.results import Hit
from search.tui.citation import citation
from search.tui.commands import OpenIndexScreen, app_commands
from search.tui.history import QueryHistory, default_history_path
from search.tui.screens.help import HelpScreen
from search.tui.screens.search import SearchScreen
from search.tui.shared_engine import Library

_DEFAULT = object()


def viewer_command(path: Path) -> list[str] | None:
    """$EDITOR, else $PAGER, else less: the program `o` opens a source file with."""
    for name in ("EDITOR", "VISUAL", "PAGER"):
        value = os.environ.get(name, "").strip()
        if value:
            return [*shlex.split(value), str(path)]
    for fallback in ("less", "more"):
        if shutil.which(fallback):
            return [fallback, str(path)]
    return None


class SearchApp(App[None]):
    """Search as you type over one open index."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "search"
    ENABLE_COMMAND_PALETTE = True  # ctrl+p: the app's commands and Textual's (theme, keys)
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", priority=True, show=False),
        Binding("q", "quit", "Quit"),
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
    ]

    def __init__(
        self,
        index_option: str | None = None,
        query: str = "",
        limit: int = 50,
        history_path: Path | None | object = _DEFAULT,
        show_timing: bool = True,
        fill: bool = False,
        sort: str = "score",
        theme_name: str | None = None,
        config_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.start_fill, self.start_sort = fill, sort  # from the config file
        self.theme_name = theme_name
        self.config_path = config_path  # where a theme chosen here is remembered
        self.index_option = index_option
        self.initial_query = query
        self.limit = limit
        self.show_timing = show_timing  # off in snapshot tests: timings are not stable
        path = default_history_path() if history_path is _DEFAULT else history_path
        self.history = QueryHistory(path)  # type: ignore[arg-type]
        self.library: Library | None = None
        self.error = ""

    def on_mount(self) -> None:
        if self.theme_name:
            if self.theme_name in self.available_themes:
                self.theme = self.theme_name
            else:
                self.notify(f"No theme {self.theme_name!r}; ctrl+p, Theme lists them")
        self._saved_theme = self.theme  # what the file says already (or the default)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.push_screen(self.main_screen())

    def main_screen(self) -> SearchScreen:
        """The screen the app opens on (the latency benchmark times a subclass)."""
        screen = SearchScreen(self.initial_query)
        screen.fill, screen.sort = self.start_fill, self.start_sort
        return screen

    def _remember_theme(self, theme) -> None:
        if self.config_path is None or theme.name == self._saved_theme:
            return
        self._saved_theme = theme.name
        from search.config import save_theme

        try:
            save_theme(theme.name, self.config_path)
        except OSError as exc:
            self.notify(f"Could not save the theme in {self.config_path}: {exc}", severity="error")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from app_commands(self, screen)
        yield from super().get_system_commands(screen)

    def action_open_index(self) -> None:
        self.push_screen(OpenIndexScreen(), self.switch_index)

    def switch_index(self, folder: str | None) -> None:
        """Search another index from now on; one that does not exist leaves the current."""
        from index.whoosh.storage import index_exists

        if not folder:
            return
        path = Path(folder).expanduser()
        if not index_exists(path):
            self.notify(f"No index at {path}", severity="error")
            return
        searching = next(s for s in self.screen_stack if isinstance(s, SearchScreen))
        while self.screen is not searching:
            self.pop_screen()
        if self.library is not None:
            self.library.close()
            self.library = None
        self.index_option = str(path)
        searching.reopen()

    def on_unmount(self) -> None:
        if self.library is not None:
            self.library.close()

    def fail(self, error: str) -> None:
        """Leave with a one-line error (printed by the CLI after the screen is restored)."""
        self.error = error
        self.exit(return_code=2)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def tell(self, message: str, **kwargs) -> None:
        """A notification whose words may come from a document or a file name: shown
        printable and never parsed as markup (a title `[/x]` or `[@click=app.quit]`)."""
        self.notify(printable(message), markup=False, **kwargs)

    def copy_citation(self, hit: Hit) -> None:
        self.copy_to_clipboard(citation(hit))
        self.tell(f"Copied a citation of ¶{hit.paragraph} of {hit.title or hit.path!r}")

    def open_source(self, hit: Hit) -> None:
        """Open the file `hit` came from in $EDITOR/$PAGER, suspending the app meanwhile."""
        if self.library is None:
            return
        path = self.library.source_path(hit)
        if path is None or not path.exists():
            self.tell(f"The source file is gone: {path or hit.path}", severity="error")
            return
        if self.library.leads_outside(hit, path):
            self.tell(
                f"Not opened: {path} is now a link that leads outside its indexed folder",
                severity="error",
            )
            return
        command = viewer_command(path)
        if command is None:
            self.tell(f"Set $EDITOR or $PAGER to open {path}", severity="warning")
            return
        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.tell(f"Cannot hand the terminal over here; the file is {path}")
        except OSError as exc:
            self.tell(f"Could not run {command[0]}: {exc}", severity="error")
