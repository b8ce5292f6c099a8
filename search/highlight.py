"""Which characters of a paragraph matched the query, and the fragment to show.

Spans come from running the index's own analyzer over the stored text, so a
highlighted word is exactly a word the index matched: `ceasefires` lights up for
`ceasefire`, a wildcard lights up the words it expanded to, and a phrase is one
span. The CLI's colours, `--json`'s offsets and the TUI all use these spans.
"""

from __future__ import annotations

from collections.abc import Iterable

from search.near import near_spans

Span = tuple[int, int]

# Marks a written form (index.schema's `exact` field) among the terms and phrase
# words to light up; unmarked ones are stems of the hit's language.
WRITTEN = "\x1f"

FRAGMENT_CHARS = 320  # paragraphs longer than this are shown as a fragment


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
    language's analyzer (index.analysis), so a token is matched by its stem or by
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
