"""Where each query word matched a paragraph: its own text, its title or its heading.

The text field also holds each paragraph's title and heading (index.whoosh.folded_text),
so a bare word finds a paragraph whose title says it although the paragraph does
not. That is right for recall and wrong to hide: the product exists to find the
paragraph that says it. So the ranking puts the paragraphs that say every word
themselves above those that borrow one from their title or heading (`SaidOrder`),
and each hit names where each word matched (`matched_in`), read from the index's
word positions (how a hit marks the words it borrows: search.display.borrowed).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from whoosh import query as wq
from whoosh.reading import TermNotFound

from index.whoosh.folded_text import CONTEXT_START, HEADING_START
from search.display.borrowed import HEADING, TEXT, TITLE, borrowed

# Each section's positions in the text field (index.whoosh.folded_text): [start, end).
_POSITIONS = {
    TEXT: (0, CONTEXT_START),
    TITLE: (CONTEXT_START, HEADING_START),
    HEADING: (HEADING_START, 1 << 62),
}


Parts = list[tuple[str, wq.Query]]  # (word as typed, its query)


class SaidOrder:
    """`top_n` (best first) with the paragraphs that say each word they match in
    their own text ahead of those that borrow one from their title or heading; the
    rows that lack a word (`complete(score)` false, always after the complete ones)
    follow, as they were.

    Lazy: paragraphs are checked a block at a time in rank order as the caller
    reads on, and once its page is full (`settle()`) the rest come in plain rank
    order, unchecked (they are only looked through for copies of the page). A tier
    scored inside the search, from a text-only copy of the query, read every
    match's positions and tripled the time of `search said` on BBC + Reuters."""

    def __init__(
        self,
        searcher,
        parts: Parts,
        top_n: list[tuple[float, int]],
        complete: Callable[[float], bool],
        deadline: float | None = None,
    ):
        self.searcher, self.parts, self.top_n = searcher, parts, top_n
        self.complete, self.deadline = complete, deadline
        self.settled = not parts
        self.where: dict[int, dict[str, list[str]]] = {}  # matched_in of those checked

    def settle(self) -> None:
        """The page is full: what follows needs no order."""
        self.settled = True

    def __iter__(self) -> Iterator[tuple[float, int]]:
        top_n, complete = self.top_n, self.complete
        held: list[tuple[float, int]] = []
        i, size, n = 0, 16, len(top_n)
        while i < n and complete(top_n[i][0]) and not self.settled:
            if self.deadline is not None and time.perf_counter() > self.deadline:
                break  # out of time: the rest in plain rank order
            block = []
            while i < n and len(block) < size and complete(top_n[i][0]):
                block.append(top_n[i])
                i += 1
            size = min(size * 2, 256)
            where = matched_in(self.searcher, [docnum for _, docnum in block], self.parts)
            self.where.update(where)
            for row in block:
                if borrowed(where[row[1]]):
                    held.append(row)
                else:
                    yield row
        yield from held
        yield from top_n[i:]


def matched_in(searcher, docnums: list[int], parts: Parts) -> dict[int, dict[str, list[str]]]:
    """Per paragraph, per query word (as typed), the sections it matched in.

    Read from the index's word positions (the title's and heading's words sit at
    positions of their own), not from the stored strings: a document without a
    title is shown with its first words, which are not indexed as its title. Each
    word's matcher skips from one paragraph to the next and reads positions only
    there."""
    found: dict[int, dict[str, list[str]]] = {d: {word: [] for word, _ in parts} for d in docnums}
    subs = searcher.subsearchers or [(searcher, 0)]
    bounds = [offset for _, offset in subs] + [1 << 62]
    for k, (sub, offset) in enumerate(subs):
        inside = sorted(d - offset for d in docnums if offset <= d < bounds[k + 1])
        if not inside:
            continue
        context = sub.boolean_context().set(needs_current=True)  # a union with positions
        for word, part in parts:
            try:
                m = part.matcher(sub, context)
            except TermNotFound:
                continue
            for doc in inside:
                if not m.is_active():
                    break
                if m.id() < doc:
                    m.skip_to(doc)
                if not (m.is_active() and m.id() == doc):
                    continue
                where = found[doc + offset][word]
                for section in _sections(m):
                    if section not in where:
                        where.append(section)
    return found


def _sections(matcher) -> list[str]:
    """The sections the current paragraph's matched positions lie in, in order."""
    try:
        spans = matcher.spans()
    except Exception:  # a matcher without positions: say where it must be, the text
        return [TEXT]
    starts = [span.start for span in spans]
    return [name for name, (lo, hi) in _POSITIONS.items() if any(lo <= p < hi for p in starts)] or [
        TEXT
    ]
