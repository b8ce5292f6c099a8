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
from search.query.written import WRITTEN
from search.results import Span


def match_spans(
    text: str,
    analyzer,
    terms: set[str],
    phrases: Iterable[tuple[list[str], int]] = (),
    written=None,
) -> list[Span]:
    """Character spans in `text` of query terms and phrase occurrences, sorted, merged.

    `written`: the written forms' analyzer, for terms and phrase words marked
    WRITTEN. It splits text into the same tokens at the same positions as every
    language's analyzer (index.whoosh.analysis), so a token is matched by its stem or by
    its written form."""
    phrases = list(phrases)
    wanted = [w for w in terms] + [w for words, _ in phrases for w in words]
    marked = sum(1 for w in wanted if w.startswith(WRITTEN))
    if written is not None and marked == len(wanted):  # written forms only: one pass
        tokens = [
            ("", t.pos, t.startchar, t.endchar, WRITTEN + t.text)
            for t in written(text, positions=True, chars=True, mode="index")
        ]
    else:
        tokens = [
            (t.text, t.pos, t.startchar, t.endchar, None)
            for t in analyzer(text, positions=True, chars=True, mode="index")
        ]
        if written is not None and marked:
            forms = {t.pos: WRITTEN + t.text for t in written(text, positions=True, mode="index")}
            tokens = [(w, pos, s, e, forms.get(pos)) for w, pos, s, e, _ in tokens]
    spans: list[Span] = [(s, e) for word, _, s, e, form in tokens if word in terms or form in terms]
    by_pos = {pos: i for i, (_, pos, _, _, _) in enumerate(tokens)}

    def says(i: int, want: str) -> bool:
        return tokens[i][4 if want.startswith(WRITTEN) else 0] == want

    for words, slop in phrases:
        if not words:
            continue
        if slop > 1:  # words near each other, in any order: each word lights up
            k = 4 if words[0].startswith(WRITTEN) else 0
            spans += near_spans([(t[k] or "", *t[1:4]) for t in tokens], words, slop)
            continue
        for i, (_, pos, start, _, _) in enumerate(tokens):
            if not says(i, words[0]):
                continue
            end_i, last_pos = i, pos
            for want in words[1:]:
                nxt = next(
                    (
                        by_pos[p]
                        for p in range(last_pos + 1, last_pos + 1 + max(slop, 1))
                        if p in by_pos and says(by_pos[p], want)
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
