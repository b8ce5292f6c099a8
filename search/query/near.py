"""Words near each other, in either order: `"a b"~N` and `a NEAR b`.

The analyst's question is "ceasefire near Moscow", and a paragraph may say either
"the ceasefire Moscow proposed" or "Moscow rejected the ceasefire". Whoosh's sloppy
phrase keeps the words in the order typed (`"ceasefire moscow"~10` misses the second),
so a phrase with a slop of 2 or more is searched here with Whoosh's unordered span
query: every word within N positions of the others (the common words the index
leaves out do not count). An exact phrase (`"peace talks"`) keeps its order.

`a NEAR b` is written out as `"a b"~NEAR_WORDS`, `a NEAR/5 b` as `"a b"~5`, and
`a NEAR b NEAR c` as one phrase of the three words, before the query is parsed.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from whoosh import matching
from whoosh import query as wq

# How far apart `a NEAR b` lets the words stand: about a sentence.
NEAR_WORDS = 10
# Partial matches the highlighter follows before it lights up every occurrence.
MAX_STRETCHES = 5000
# `a NEAR b`, `a NEAR/5 b`, `a NEAR b NEAR/3 c`: plain words joined by NEAR.
_WORD = r"[^\W_][\w'’.-]*"
_NEAR = r"\s+NEAR(?:/(\d+))?\s+"
_CHAIN = rf"(?<![\w:\"*?~^+-])({_WORD}(?:{_NEAR}{_WORD})+)(?![\w:*?~^\"])"
_LEFT_OVER = r"(?<!\S)NEAR(?:/\d+)?(?!\S)"
_QUOTED = r'("[^"]*")'


class NearPhrase(wq.Phrase):
    """A phrase whose words may come in any order, each within `slop` of the others."""

    def matcher(self, searcher, context=None):
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, word) not in reader:
                return matching.NullMatcher()  # a word the field lacks: nothing is near
            terms.append(wq.Term(fieldname, word))
        from whoosh.query.spans import SpanNear2

        m = SpanNear2(terms, slop=self.slop, ordered=False, mindist=1).matcher(searcher, context)
        return matching.WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


def unordered(q: wq.Query) -> wq.Query:
    """`q` with every phrase of slop 2 or more made a NearPhrase."""

    def swap(node: wq.Query) -> wq.Query:
        if type(node) is wq.Phrase and node.slop > 1:
            return NearPhrase(
                node.fieldname,
                node.words,
                slop=node.slop,
                boost=node.boost,
                char_ranges=node.char_ranges,
            )
        return node

    return q.accept(swap)


def write_out_near(text: str, notices: list[str]) -> str:
    """`a NEAR/N b` as the sloppy phrase `"a b"~N` (outside quotes only); a NEAR that
    does not stand between two plain words is dropped, with a notice."""
    pieces = re.split(_QUOTED, text)
    dropped = False
    for i in range(0, len(pieces), 2):  # the even pieces are outside quotes
        piece = re.sub(_CHAIN, lambda m: _as_phrase(m, notices), pieces[i])
        piece, count = re.subn(_LEFT_OVER, " ", piece)
        dropped = dropped or count > 0
        pieces[i] = piece
    if dropped:
        notices.append("NEAR joins two plain words (ceasefire NEAR moscow); ignored it elsewhere")
    return "".join(pieces)


def _as_phrase(match: re.Match, notices: list[str]) -> str:
    chain = match.group(1)
    words = re.split(_NEAR, chain)[::2]  # split() also returns each link's window
    slop = max(int(n) if n else NEAR_WORDS for n in re.findall(_NEAR, chain))
    if slop < 2:  # `"a b"~1` is the exact phrase, in its order: not "near"
        notices.append(
            f"searched NEAR/{slop} as NEAR/2 (for the words side by side, in order, use a phrase)"
        )
        slop = 2
    return '"' + " ".join(words) + f'"~{slop}'


def near_spans(
    tokens: list[tuple[str, int, int, int]], words: list[str], slop: int
) -> list[tuple[int, int]]:
    """Character spans of the words of a NearPhrase where they match in `tokens`
    ((stem, position, start, end), as the highlighter reads them).

    The same walk as Whoosh's unordered SpanNear2, so what lights up is what matched:
    each next word must stand within `slop` of the stretch matched so far, outside it.
    Every word of the phrase inside a matched stretch lights up. A paragraph that
    repeats the words hundreds of times could make the walk slow; past MAX_STRETCHES
    every occurrence of the words lights up instead."""
    at: dict[str, list[int]] = {}
    for word, pos, _, _ in tokens:
        at.setdefault(word, []).append(pos)
    stretches = {(pos, pos) for pos in at.get(words[0], [])}
    for word in words[1:]:
        places = at.get(word, [])
        grown: set[tuple[int, int]] = set()
        for lo, hi in stretches:
            for pos in places[bisect_left(places, lo - slop) : bisect_right(places, hi + slop)]:
                if pos < lo or pos > hi:
                    grown.add((min(lo, pos), max(hi, pos)))
            if len(grown) > MAX_STRETCHES:
                return [(s, e) for w, _, s, e in tokens if w in words]
        stretches = grown
        if not stretches:
            return []
    wanted = set(words)
    return [
        (s, e)
        for w, pos, s, e in tokens
        if w in wanted and any(lo <= pos <= hi for lo, hi in stretches)
    ]
