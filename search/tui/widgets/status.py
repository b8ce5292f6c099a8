"""The status line: hits, time, index name and size, and what happened to the query."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from search.display.printable import printable
from search.results import ANY_WORD, SCORE
from search.tui.messages import SearchOutcome
from search.tui.shared_engine import IndexInfo

WARN_STYLE = "bold yellow"


def index_text(info: IndexInfo | None) -> str:
    if info is None:
        return ""
    return printable(
        f"{info.label}: {info.documents:,} document{'s' * (info.documents != 1)}, "
        f"{info.paragraphs:,} paragraph{'s' * (info.paragraphs != 1)}"
    )


def status_text(
    outcome: SearchOutcome | None,
    info: IndexInfo | None,
    show_timing: bool = True,
    fill: bool = False,
    sort: str = SCORE,
) -> Text:
    """What the status line says after `outcome` (None: nothing searched yet); `fill`:
    F3 is on (two-word queries are filled with paragraphs that have one word); `sort`:
    the order F4 chose."""
    line = Text()
    if outcome is None:
        line.append("Type to search.", style="dim")
    elif outcome.error:
        line.append(printable(outcome.error), style=WARN_STYLE)
    elif outcome.result is not None and not outcome.result.hits:
        line.append(printable(f"No paragraph matches {outcome.query!r}."), style=WARN_STYLE)
        if outcome.suggestion:
            line.append("  Did you mean ")
            line.append(printable(outcome.suggestion), style="bold")
            line.append("? (F2 searches for it)")
    elif outcome.result is not None:
        result = outcome.result
        shown = len(result.hits)
        line.append(f"{result.total:,} paragraph{'s' * (result.total != 1)} match", style="bold")
        if shown < result.total:
            line.append(f", {shown} shown")
        if result.mode == ANY_WORD:
            line.append(" (any word)", style=WARN_STYLE)
        if sort != SCORE:
            line.append(f" · {sort} first (F4)")
        elif fill:  # sorted results keep to every-word matches
            line.append(" · some words too (F3)")
        if show_timing:
            line.append(f" · {result.elapsed_ms:.0f} ms")
        if outcome.suggestion:
            line.append(" · did you mean ")
            line.append(printable(outcome.suggestion), style="bold")
            line.append("? (F2)")
    if info is not None:
        line.append(" · " if line.plain else "")
        line.append(index_text(info), style="dim")
    if outcome is not None and outcome.result is not None:
        for notice in outcome.result.notices:
            line.append("\n")
            line.append("⚠ " + printable(notice), style=WARN_STYLE)
    return line


class StatusLine(Static):
    """One or two lines under the results; updated by the screen after each search."""
