"""The end-of-run report of `search index`: problems listed, then one summary line."""

from __future__ import annotations

import sys
from pathlib import Path

from index.indexer import IndexReport

LIST_AT_MOST = 20


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary_line(report: IndexReport) -> str:
    return (
        f"indexed {_plural(report.documents, 'document')} "
        f"({_plural(report.paragraphs, 'paragraph')}) "
        f"from {_plural(report.files_indexed, 'file')}; "
        f"{report.unchanged:,} unchanged, {len(report.skipped):,} skipped, "
        f"{report.removed:,} removed, {_plural(len(report.errors), 'error')} "
        f"in {report.seconds:.2f} s; the index holds "
        f"{_plural(report.total_documents, 'document')}, "
        f"{_plural(report.total_paragraphs, 'paragraph')}"
    )


def print_report(report: IndexReport, index_dir: Path, quiet: bool = False, out=None) -> None:
    out = out or sys.stderr
    for path, reason in report.errors:
        print(f"search: error: {path}: {reason}", file=out)
    if not quiet:
        for path, reason in report.skipped[:LIST_AT_MOST]:
            print(f"search: skipped {path}: {reason}", file=out)
        if len(report.skipped) > LIST_AT_MOST:
            print(f"search: ... and {len(report.skipped) - LIST_AT_MOST:,} more skipped", file=out)
        for path, warning in report.warnings[:LIST_AT_MOST]:
            print(f"search: warning: {path}: {warning}", file=out)
        for note in report.notes:
            print(f"search: {note}", file=out)
        print(summary_line(report), file=out)
