"""`search index --watch`: the terminal side of index.watcher (messages, Ctrl+C)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from index.indexer import IndexReport


def change_line(report: IndexReport) -> str:
    """One line per batch of changes, e.g. 'updated 2 files (14 paragraphs), removed 1'."""
    parts = []
    if report.files_indexed:
        parts.append(
            f"updated {report.files_indexed:,} file{'s' * (report.files_indexed != 1)} "
            f"({report.paragraphs:,} paragraph{'s' * (report.paragraphs != 1)})"
        )
    if report.removed:
        parts.append(f"removed {report.removed:,}")
    if report.unchanged:
        parts.append(f"{report.unchanged:,} unchanged")
    if report.skipped:
        parts.append(f"{len(report.skipped):,} skipped")
    if report.errors:
        parts.append(f"{len(report.errors):,} error{'s' * (len(report.errors) != 1)}")
    body = ", ".join(parts) or "no change to the index"
    docs, paras = report.total_documents, report.total_paragraphs
    return (
        f"search: {body}; the index holds {docs:,} document{'s' * (docs != 1)}, "
        f"{paras:,} paragraph{'s' * (paras != 1)}"
    )


def run_watch(paths: list[str], index_dir: Path, initial_run, out=None) -> int:
    """Index, then follow changes until Ctrl+C (or SIGTERM).

    While watching, the first signal finishes the batch in flight and stops (exit 0),
    a second one interrupts it (the index keeps its last commit). During the initial
    run, Ctrl+C interrupts at once, as in a plain `search index`. `initial_run()` does
    the first indexing run and prints its report."""
    from index.watcher import watch_paths
    from search.cli.index_report import problem_lines
    from search.display.printable import printable

    out = out or sys.stderr
    stop = threading.Event()
    watching = threading.Event()  # set once the initial run is over

    def on_signal(signum, frame) -> None:
        # During the initial run Ctrl+C interrupts it as in a plain `search index`.
        if stop.is_set() or not watching.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}

    def on_report(kind: str, report: IndexReport) -> None:
        if kind == "initial":
            watching.set()
            watched = printable(", ".join(paths))
            print(f"search: watching {watched} for changes; press Ctrl+C to stop", file=out)
            out.flush()
            return
        lines = problem_lines("error", report.errors) + problem_lines("skipped", report.skipped)
        for line in lines:
            print(line, file=out)
        print(change_line(report), file=out, flush=True)

    def on_error(message: str) -> None:
        print(f"search: {printable(message)}", file=out, flush=True)

    try:
        watch_paths(
            paths,
            index_dir,
            stop_event=stop,
            on_report=on_report,
            on_error=on_error,
            initial_run=initial_run,
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("search: stopped watching; the index holds every change committed so far", file=out)
    return 0
