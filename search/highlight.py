"""Which characters of a paragraph matched the query.

Spans come from running the index's own analyzer over the stored text, so a
highlighted word is exactly a word the index matched: `ceasefires` lights up for
`ceasefire`, a wildcard lights up the words it expanded to, and a phrase is one
span. The CLI's colours, `--json`'s offsets and the TUI all use these spans
(the fragment around them is search.display.fragments).
"""

from __future__ import annotations

from collections.abc import Iterable

from search.query.near import near_spans
from search.results import Span


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
