"""Keep an index in step with folders while they change (`search index --watch`).

First an ordinary incremental run brings the index up to date; then watchfiles
reports changes, debounced into batches, and each batch becomes one indexing run
over just the changed paths (one Whoosh commit, or a few for a large batch):
created and modified files are (re)indexed when their content changed, deleted
ones forgotten, and a move is a delete plus a create. The same rules as a normal
run apply: the manifest follows each commit, so stopping at any moment leaves
nothing half-written, and the next run picks up where this one stopped.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from index.errors import SearchToolError
from index.formats import format_of
from index.indexer import IndexReport, index_paths, remove_paths

DEBOUNCE_MS = 400  # changes closer together than this share one batch (and one commit)

# (what happened, its report): "initial" once, then "changes" per batch
ReportFn = Callable[[str, IndexReport], None]
ErrorFn = Callable[[str], None]


def _hidden(path: Path, roots: Sequence[Path]) -> bool:
    """Dot-files and anything in a dot-folder under a watched folder (as discovery skips)."""
    for root in roots:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            continue
        return any(p.startswith(".") for p in parts)
    return path.name.startswith(".")


def _wanted(path: Path, roots: Sequence[Path], index_dir: Path) -> bool:
    if path == index_dir or index_dir in path.parents or _hidden(path, roots):
        return False
    if not os.path.lexists(path) or path.is_dir():
        return True  # a deletion (file or folder) or a folder that appeared
    return format_of(path) is not None


def split_changes(
    changed: Sequence[str | Path], roots: Sequence[Path], index_dir: Path
) -> tuple[list[Path], list[Path]]:
    """(paths to index, paths to forget) from one batch of changed paths."""
    present: set[Path] = set()
    gone: set[Path] = set()
    for raw in changed:
        path = Path(os.path.abspath(raw))
        if not _wanted(path, roots, index_dir):
            continue
        (present if os.path.lexists(path) else gone).add(path)
    # A file inside a folder that is indexed whole in this batch needs no run of its own.
    folders = [p for p in present if p.is_dir()]
    present = {p for p in present if not any(f in p.parents for f in folders)}
    return sorted(present), sorted(gone)


def apply_changes(present: list[Path], gone: list[Path], index_dir: Path) -> IndexReport:
    """Index what appeared or changed, forget what vanished; one combined report."""
    report = IndexReport()
    if gone:
        removed = remove_paths(gone, index_dir)
        report.removed += removed.removed
    if present:
        done = index_paths(present, index_dir, prune=True)
        for name in ("files_seen", "files_indexed", "unchanged", "documents", "paragraphs"):
            setattr(report, name, getattr(done, name))
        report.removed += done.removed
        report.skipped, report.errors, report.warnings = done.skipped, done.errors, done.warnings
    if present or gone:
        from index.manifest import Manifest

        with Manifest(index_dir) as manifest:
            report.total_documents, report.total_paragraphs = manifest.totals()[1:]
    return report


def watch_paths(
    paths: Sequence[Path | str],
    index_dir: Path,
    *,
    stop_event: threading.Event | None = None,
    on_report: ReportFn | None = None,
    on_error: ErrorFn | None = None,
    debounce_ms: int = DEBOUNCE_MS,
    initial_run: Callable[[], IndexReport] | None = None,
) -> None:
    """Index `paths`, then follow their changes until `stop_event` is set.

    The watcher starts *before* the initial run, so a file saved while that run is
    going is caught by the first batch rather than missed. `initial_run` replaces
    the plain index_paths() call (the CLI adds its progress bar and report).
    Errors of one batch (a locked index, say) go to `on_error` and watching goes on.
    """
    from watchfiles import watch

    index_dir = Path(os.path.abspath(index_dir))
    roots = [Path(os.path.abspath(Path(p).expanduser())) for p in paths]
    watched = [r for r in roots if r.exists()]
    if not watched:
        raise SearchToolError("nothing to watch: none of the paths exists")
    changes = watch(
        *watched,
        debounce=debounce_ms,
        step=50,
        stop_event=stop_event,
        rust_timeout=250,
        yield_on_timeout=True,  # the first (empty) yield says the watcher is running
        raise_interrupt=True,
        watch_filter=None,
    )
    started = False
    for batch in changes:
        if not started:
            started = True
            report = initial_run() if initial_run else index_paths(roots, index_dir)
            if on_report:
                on_report("initial", report)
        present, gone = split_changes([p for _, p in batch], roots, index_dir)
        if not (present or gone):
            continue
        try:
            report = apply_changes(present, gone, index_dir)
        except SearchToolError as exc:
            if on_error:
                on_error(str(exc))
            continue
        if on_report:
            on_report("changes", report)
