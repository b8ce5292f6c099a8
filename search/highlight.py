"""Which characters of a paragraph matched the query, and the fragment to show.

Spans come from running the index's own analyzer over the stored text, so a
highlighted word is exactly a word the index matched: `ceasefires` lights up for
`ceasefire`, a wildcard lights up the words it expanded to, and a phrase is one
span. The CLI's colours, `--json`'s offsets and the TUI all use these spans.
"""

from __future__ import annotations

from collections.abc import Iterable

from search.query.near import near_spans

Span = tuple[int, int]

FRAGMENT_CHARS = 320  # paragraphs longer than this are shown as a fragment


def match_spans(
    text: str,
    analyzer,
    terms: set[str],
    phrases: Iterable[tuple[list[str], int]] = (),
) -> list[Span]:
    """Character spans in `text` of query terms and phrase occurrences, sorted, merged."""
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer(text, positions=True, chars=True, mode="index")
    ]
    spans: list[Span] = [(s, e) for word, _, s, e in tokens if word in terms]
    by_pos = {pos: i for i, (_, pos, _, _) in enumerate(tokens)}
    for words, slop in phrases:
        if not words:
            continue
        if slop > 1:  # words near each other, in any order: each word lights up
            spans += near_spans(tokens, words, slop)
            continue
        for i, (word, pos, start, _) in enumerate(tokens):
            if word != words[0]:
                continue
            end_i, last_pos = i, pos
            for want in words[1:]:
                nxt = next(
                    (
                        by_pos[p]
                        for p in range(last_pos + 1, last_pos + 1 + max(slop, 1))
                        if p in by_pos and tokens[by_pos[p]][0] == want
                    ),
                    None,
                )
                if nxt is None:
                    break
                end_i, last_pos = nxt, tokens[nxt][1]
            else:
                spans.append((start, tokens[end_i][3]))
    return merge(spans)


def merge(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


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
