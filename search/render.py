"""Print results: styled on a terminal, plain when piped, JSON lines for scripts."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from search.engine import Hit, SearchResult
from search.highlight import Span, fragment

MATCH_STYLE = "bold red"
TITLE_STYLE = "bold"
PATH_STYLE = "magenta"
PARA_STYLE = "green"
HEADING_STYLE = "italic cyan"


def location(hit: Hit) -> str:
    """Where a paragraph lives: path, the record id when it differs, paragraph number."""
    where = hit.path if hit.doc_id in ("", hit.path) else f"{hit.path} › {hit.doc_id}"
    page = f" p.{hit.page}" if hit.page else ""
    return f"{where}{page} ¶{hit.paragraph}"


def hit_to_json(hit: Hit) -> dict:
    return {
        "type": "hit",
        "rank": hit.rank,
        "score": round(hit.score, 4),
        "doc_id": hit.doc_id,
        "path": hit.path,
        "title": hit.title,
        "heading": hit.heading,
        "paragraph": hit.paragraph,
        "text": hit.text,
        "highlights": [list(s) for s in hit.highlights],
        "date": hit.date.isoformat() if hit.date else None,
        "source": hit.source or None,
        "page": hit.page,
    }


def summary_to_json(result: SearchResult) -> dict:
    return {
        "type": "summary",
        "total": result.total,
        "shown": len(result.hits),
        "elapsed_ms": round(result.elapsed_ms, 2),
        "mode": result.mode,
        "notices": result.notices,
    }


def print_json(result: SearchResult, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for hit in result.hits:
        out.write(json.dumps(hit_to_json(hit), ensure_ascii=False) + "\n")
    out.write(json.dumps(summary_to_json(result), ensure_ascii=False) + "\n")


def print_plain(result: SearchResult, out: TextIO | None = None) -> None:
    """Unstyled: one header line and one text line per hit, grep-friendly."""
    out = out or sys.stdout
    for hit in result.hits:
        heading = f" · § {hit.heading}" if hit.heading else ""
        text, _ = fragment(hit.text, hit.highlights)
        out.write(f"{hit.rank}. {hit.title}\n   {location(hit)}{heading}\n   {text}\n\n")


def styled_text(text: str, spans: list[Span], base: str = "", match: str = MATCH_STYLE):
    """A rich Text with `spans` styled as matches (the TUI uses this too)."""
    from rich.text import Text

    rich_text = Text(text, style=base)
    for start, end in spans:
        rich_text.stylize(match, start, end)
    return rich_text


def print_styled(result: SearchResult, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    console = Console(file=out, force_terminal=True, highlight=False, soft_wrap=False)
    for hit in result.hits:
        head = Text.assemble(Text(f"{hit.rank}. ", style="dim"))
        head.append_text(styled_text(hit.title, hit.title_highlights, TITLE_STYLE))
        console.print(head)
        meta = Text.assemble((location(hit), PATH_STYLE))
        if hit.heading:
            meta.append("  § ", style="dim")
            meta.append(hit.heading, style=HEADING_STYLE)
        console.print(Padding(meta, (0, 0, 0, 3), expand=False))
        text, spans = fragment(hit.text, hit.highlights)
        console.print(Padding(styled_text(text, spans), (0, 0, 1, 3), expand=False))
