"""Print results: styled on a terminal, plain when piped, JSON lines for scripts."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from search.display.borrowed import borrowed, borrowed_note
from search.display.fragments import fragment
from search.display.printable import json_printable, printable_hit
from search.display.styles import (
    EXPLAIN_STYLE,
    HEADING_STYLE,
    NOTES_STYLE,
    PARA_STYLE,
    PATH_STYLE,
    TITLE_STYLE,
    missing_note,
    styled_text,
)
from search.results import Hit, SearchResult


def location(hit: Hit) -> str:
    """Where a paragraph lives: path, the record id when it differs, paragraph number."""
    page = f" p.{hit.page}" if hit.page else ""
    return _place(hit.path, hit.doc_id, hit.paragraph, page)


def _place(path: str, doc_id: str, paragraph: int, page: str = "") -> str:
    where = path if doc_id in ("", path) else f"{path} › {doc_id}"
    return f"{where}{page} ¶{paragraph}"


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
        "lang": hit.lang or None,
        "missing": hit.missing,
        "matched_in": hit.matched_in,
        "more_in_doc": hit.more_in_doc,
        **({"explain": explain_json(hit)} if hit.explain else {}),
        **({"context": context_json(hit)} if hit.before or hit.after else {}),
        **({"copies": hit.copies} if hit.copies else {}),
    }


def context_json(hit: Hit) -> dict:
    def entry(h: Hit) -> dict:
        return {
            "paragraph": h.paragraph,
            "text": h.text,
            "highlights": [list(s) for s in h.highlights],
        }

    return {"before": [entry(h) for h in hit.before], "after": [entry(h) for h in hit.after]}


def explain_json(hit: Hit) -> list[dict]:
    total = sum(s.score for s in hit.explain)
    return [
        {"word": s.word, "matched": s.matched, "share": round(s.share(total), 4)}
        for s in hit.explain
    ]


def explain_line(hit: Hit) -> str:
    """In plain words: "ceasefire 62% · moscow 38% · missing: hostages"."""
    total = sum(s.score for s in hit.explain)
    away = borrowed(hit.matched_in)
    parts = [
        f"{s.word} {s.share(total):.0%}"
        + (f" ({', '.join(away[s.word])})" if s.word in away else "")
        for s in hit.explain
        if s.matched
    ]
    if not parts and hit.explain:
        parts = ["matched only through filters"]
    missing = [s.word for s in hit.explain if not s.matched]
    if missing:
        parts.append(missing_note(missing))
    return " · ".join(parts)


def notes_line(hit: Hit) -> str:
    """What a hit lacks and what it hides: "missing: hostages · +2 more in this document"."""
    parts = []
    if hit.matched_in and not hit.explain:  # --explain marks them in its own line
        away = borrowed_note(hit.matched_in)
        if away:
            parts.append(away)
    if hit.missing and not hit.explain:
        parts.append(missing_note(hit.missing))
    if hit.more_in_doc:
        parts.append(f"+{hit.more_in_doc} more in this document")
    if hit.copies:
        parts.append(copies_note(hit.copies))
    return " · ".join(parts)


def copies_note(copies: list[dict], named: int = 2) -> str:
    """'same text also in b.txt ¶3, c.txt ¶1 and 4 more' (`--all-copies` shows them)."""
    places = [_place(c["path"], c["doc_id"], c["paragraph"]) for c in copies[:named]]
    rest = len(copies) - len(places)
    return "same text also in " + ", ".join(places) + (f" and {rest} more" if rest else "")


def summary_to_json(result: SearchResult) -> dict:
    return {
        "type": "summary",
        "total": result.total,
        "shown": len(result.hits),
        "elapsed_ms": round(result.elapsed_ms, 2),
        "mode": result.mode,
        "partial": result.partial,
        "notices": result.notices,
        "suggestion": result.suggestion,
        **({"expanded_with": result.expanded_with} if result.expanded_with else {}),
    }


def print_json(result: SearchResult, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for hit in result.hits:
        out.write(json_printable(json.dumps(hit_to_json(hit), ensure_ascii=False)) + "\n")
    out.write(json_printable(json.dumps(summary_to_json(result), ensure_ascii=False)) + "\n")


def print_plain(result: SearchResult, out: TextIO | None = None, explain: bool = False) -> None:
    """Unstyled: one header line and one text line per hit, grep-friendly."""
    out = out or sys.stdout
    for hit in map(printable_hit, result.hits):
        heading = f" · § {hit.heading}" if hit.heading else ""
        text, _ = fragment(hit.text, hit.highlights)
        out.write(f"{hit.rank}. {hit.title}\n   {location(hit)}{heading}\n")
        if hit.before or hit.after:
            # grep's marks: ':' on the matching paragraph, '-' on its neighbours
            for near in hit.before:
                out.write(f"   ¶{near.paragraph}- {fragment(near.text, near.highlights)[0]}\n")
            out.write(f"   ¶{hit.paragraph}: {text}\n")
            for near in hit.after:
                out.write(f"   ¶{near.paragraph}- {fragment(near.text, near.highlights)[0]}\n")
        else:
            out.write(f"   {text}\n")
        if explain and hit.explain:
            out.write(f"   {explain_line(hit)}\n")
        notes = notes_line(hit)
        if notes:
            out.write(f"   {notes}\n")
        out.write("\n")


def print_styled(result: SearchResult, out: TextIO | None = None, explain: bool = False) -> None:
    out = out or sys.stdout
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    console = Console(file=out, force_terminal=True, highlight=False, soft_wrap=False)
    for hit in map(printable_hit, result.hits):
        head = Text.assemble(Text(f"{hit.rank}. ", style="dim"))
        head.append_text(styled_text(hit.title, hit.title_highlights, TITLE_STYLE))
        console.print(head)
        meta = Text.assemble((location(hit), PATH_STYLE))
        if hit.heading:
            meta.append("  § ", style="dim")
            meta.append(hit.heading, style=HEADING_STYLE)
        console.print(Padding(meta, (0, 0, 0, 3), expand=False))
        text, spans = fragment(hit.text, hit.highlights)
        body = styled_text(text, spans)
        if hit.before or hit.after:
            body = _with_neighbours(hit, body)
        extra = []
        if explain and hit.explain:
            extra.append(Text(explain_line(hit), style=EXPLAIN_STYLE))
        notes = notes_line(hit)
        if notes:
            extra.append(Text(notes, style=NOTES_STYLE))
        console.print(Padding(body, (0, 0, 0 if extra else 1, 3), expand=False))
        for i, line in enumerate(extra):
            last = i == len(extra) - 1
            console.print(Padding(line, (0, 0, 1 if last else 0, 3), expand=False))


def _with_neighbours(hit: Hit, body):
    """The hit's text between its neighbouring paragraphs (dimmed, numbered)."""
    from rich.console import Group
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style=PARA_STYLE, no_wrap=True)
    grid.add_column()
    for near in hit.before:
        grid.add_row(f"¶{near.paragraph}", _dim_neighbour(near))
    grid.add_row(f"¶{hit.paragraph}", body)
    for near in hit.after:
        grid.add_row(f"¶{near.paragraph}", _dim_neighbour(near))
    return Group(grid)


def _dim_neighbour(near: Hit):
    text, spans = fragment(near.text, near.highlights)
    return styled_text(text, spans, base="dim")
