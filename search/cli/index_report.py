"""The end-of-run report of `search index`: problems listed, then one summary line."""

from __future__ import annotations

import sys
from pathlib import Path

from index.indexer import IndexReport
from search.display.printable import printable

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


def problem_lines(kind: str, problems: list[tuple[str, str]]) -> list[str]:
    """'search: error: PATH: REASON' lines; a path or reason (file names, ids from a
    document) cannot write control characters nor break the line to forge another."""
    joiner = " " if kind == "skipped" else ": "
    return [f"search: {kind}{joiner}{printable(path)}: {printable(why)}" for path, why in problems]


def print_report(report: IndexReport, index_dir: Path, quiet: bool = False, out=None) -> None:
    out = out or sys.stderr
    lines = problem_lines("error", report.errors)
    if not quiet:
        lines += problem_lines("skipped", report.skipped[:LIST_AT_MOST])
        if len(report.skipped) > LIST_AT_MOST:
            lines.append(f"search: ... and {len(report.skipped) - LIST_AT_MOST:,} more skipped")
        lines += problem_lines("warning", report.warnings[:LIST_AT_MOST])
        lines += [f"search: {printable(note)}" for note in report.notes]
        lines.append(summary_line(report))
    for line in lines:
        print(line, file=out)
