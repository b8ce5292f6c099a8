"""The citation `y` copies: where a paragraph comes from, then the paragraph itself."""

from __future__ import annotations

from search.results import Hit


def citation(hit: Hit) -> str:
    """ "Title — source, date, ¶N" (missing parts left out) and the paragraph text."""
    parts = [hit.source or hit.path]
    if hit.date is not None:
        parts.append(hit.date.strftime("%Y-%m-%d"))
    if hit.page:
        parts.append(f"p. {hit.page}")
    parts.append(f"¶{hit.paragraph}")
    title = hit.title or hit.path
    return f"{title} — {', '.join(p for p in parts if p)}\n\n{hit.text}\n"
