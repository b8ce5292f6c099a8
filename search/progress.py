"""A progress bar on stderr for long indexing runs (only on a terminal)."""

from __future__ import annotations

import sys

from search.printable import printable

SHOW_AFTER_FILES = 50


class ProgressBar:
    """Adapts index_paths()'s progress callback to a rich progress bar."""

    def __init__(self) -> None:
        self._progress = None
        self._task = None

    def update(self, done: int, total: int, label: str) -> None:
        if self._progress is None:
            if total < SHOW_AFTER_FILES:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("indexing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                # The label is a file name: shown printable, never parsed as markup.
                TextColumn("{task.description}", style="dim", markup=False),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=total)
        self._progress.update(self._task, completed=done, description=printable(label[-40:]))

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
