"""The part of a long paragraph to show: a window around its densest run of matches.

Shared by the one-shot command and the terminal app.
"""

from __future__ import annotations

from search.results import Span

FRAGMENT_CHARS = 320  # paragraphs longer than this are shown as a fragment


def fragment(text: str, spans: list[Span], width: int = FRAGMENT_CHARS) -> tuple[str, list[Span]]:
    """A window of about `width` characters around the densest run of matches.

    Returns the fragment (with "…" where text was cut) and the spans shifted into it.
    """
    if len(text) <= width:
        return text, spans
    best_start = 0
    if spans:
        # Start the window at the match that has the most other matches after it.
        best = max(
            range(len(spans)),
            key=lambda i: sum(1 for s, _ in spans[i:] if s < spans[i][0] + width * 2 // 3),
        )
        best_start = max(0, spans[best][0] - width // 4)
    start = _word_boundary(text, best_start, backwards=True)
    end = _word_boundary(text, min(len(text), start + width), backwards=False)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + text[start:end] + suffix, inside


def _word_boundary(text: str, i: int, backwards: bool) -> int:
    """Move `i` to the nearest space so a fragment never cuts a word in half."""
    if i <= 0 or i >= len(text):
        return max(0, min(i, len(text)))
    if backwards:
        j = text.rfind(" ", max(0, i - 40), i)
        return j + 1 if j >= 0 else i
    j = text.find(" ", i, i + 40)
    return j if j >= 0 else i
