"""A progress bar on stderr for long indexing runs (only on a terminal).

It counts bytes, not files: one large JSON Lines file or mailbox moves it as
its records are read (index.read_position), and a folder of small files moves
it as they are. It appears once a run has lasted SHOW_AFTER_SECONDS, so a quick
run prints nothing but its summary, and every long one shows its rate and the
time left.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from search.display.printable import printable

if TYPE_CHECKING:
    from rich.console import Console

SHOW_AFTER_SECONDS = 0.5


class ProgressBar:
    """Adapts index_paths()'s byte_progress callback to a rich progress bar."""

    def __init__(
        self, console: Console | None = None, show_after: float = SHOW_AFTER_SECONDS
    ) -> None:
        self._console = console
        self._show_after = show_after
        self._started = time.monotonic()
        self._progress = None
        self._task = None

    def update(self, done: int, total: int, label: str) -> None:
        if self._progress is None:
            if time.monotonic() - self._started < self._show_after or done >= total:
                return
            self._start(total)
        # A file name is shown as text (never as Rich markup), its controls as signs.
        name = printable(label[-40:])
        self._progress.update(self._task, completed=done, total=total, name=name)

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("indexing"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[name]}", style="dim", markup=False),
            console=self._console or Console(file=sys.stderr),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("", total=total, name="")

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
