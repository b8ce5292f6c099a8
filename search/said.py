"""Where each query word matched a paragraph: its own text, its title or its heading.

The text field also holds each paragraph's title and heading (index.folded_text),
so a bare word finds a paragraph whose title says it although the paragraph does
not. That is right for recall and wrong to hide: the product exists to find the
paragraph that says it. So the ranking lifts the paragraphs that say every word
themselves above those that borrow one from their title or heading (`said_first`),
and each hit names where each word matched (`matched_in`), found with the same
analysis that highlights it.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.query.spans import SpanWrappingMatcher
from whoosh.query.wrappers import WrappingQuery
from whoosh.reading import TermNotFound
from whoosh.searching import SearchContext

from index.folded_text import CONTEXT_START, HEADING_START
from index.schema import SEARCH_FIELDS
from search.body_only import BodyOnly

TEXT, TITLE, HEADING = "text", "title", "heading"
SECTIONS = (TEXT, TITLE, HEADING)
# Each section's positions in the text field (index.folded_text): [start, end).
_POSITIONS = {
    TEXT: (0, CONTEXT_START),
    TITLE: (CONTEXT_START, HEADING_START),
    HEADING: (HEADING_START, 1 << 62),
}


def said_query(q: wq.Query) -> wq.Query:
    """`q` with every bare word kept to the paragraph's own words (as `text:` does).

    Filters, fielded words (`title:x`) and NOT parts are left as they are, so the
    result matches the paragraphs of `q` that say its words themselves."""
    if isinstance(q, BodyOnly | wq.Not):
        return q
    if isinstance(q, wq.AndNot):
        return wq.AndNot(said_query(q.a), q.b)
    if not list(q.children()):
        field = q.field() if hasattr(q, "field") else None
        return BodyOnly(q) if field in SEARCH_FIELDS else q
    return q.apply(said_query)


def said_first(run: wq.Query, q: wq.Query, tier: float) -> wq.Query:
    """`run` with `tier` added to the score of the paragraphs that match `q` (the
    query as parsed, every word required) with every word in their own text."""
    said = said_query(q)
    if said == q:  # nothing to lift (a filter alone, or only fielded words)
        return run
    return wq.AndMaybe(run, wq.ConstantScoreQuery(said, tier))


class InSection(WrappingQuery):
    """Matches of `child` whose positions lie in one section of the text field."""

    def __init__(self, child: wq.Query, section: str):
        super().__init__(child)
        self.section = section

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and self.child == other.child
            and self.section == other.section
        )

    def __hash__(self):
        return hash(self.child) ^ hash(self.section)

    def _rewrap(self, child):
        return type(self)(child, self.section)

    def matcher(self, searcher, context=None):
        # Spans need a union that reports positions (see search.body_only).
        context = (context or SearchContext()).set(needs_current=True)
        child = self.child.matcher(searcher, context)
        if not child.is_active():
            return child
        return _SectionMatcher(child, *_POSITIONS[self.section])


class _SectionMatcher(SpanWrappingMatcher):
    def __init__(self, child, start: int, end: int):
        self.start, self.end = start, end
        super().__init__(child)

    def copy(self):
        return type(self)(self.child.copy(), self.start, self.end)

    def _replacement(self, newchild):
        return type(self)(newchild, self.start, self.end)

    def _get_spans(self):
        return [s for s in self.child.spans() if self.start <= s.start and s.end < self.end]


def matched_in(searcher, docnums: list[int], parts: list[tuple[str, wq.Query]]) -> dict:
    """Per paragraph, per query word (as typed), the sections it matched in.

    Read from the index's positions, not from the stored strings: a document
    without a title is shown with its first words, which are not indexed as one."""
    found: dict[int, dict[str, list[str]]] = {d: {word: [] for word, _ in parts} for d in docnums}
    subs = searcher.subsearchers or [(searcher, 0)]
    bounds = [offset for _, offset in subs] + [1 << 62]
    for i, (sub, offset) in enumerate(subs):
        inside = sorted(d - offset for d in docnums if offset <= d < bounds[i + 1])
        if not inside:
            continue
        for word, part in parts:
            for section in SECTIONS:
                try:
                    m = InSection(part, section).matcher(sub, sub.boolean_context())
                except TermNotFound:
                    continue
                for doc in inside:
                    if not m.is_active():
                        break
                    if m.id() < doc:
                        m.skip_to(doc)
                    where = found[doc + offset][word]
                    if m.is_active() and m.id() == doc and section not in where:
                        where.append(section)
    return found


def borrowed(matched_in: dict[str, list[str]]) -> dict[str, list[str]]:
    """The words a paragraph does not say itself, with where it found them instead."""
    return {word: where for word, where in matched_in.items() if where and TEXT not in where}


def borrowed_note(matched_in: dict[str, list[str]]) -> str:
    """'tariffs (title), oil (heading)': the mark on each word the paragraph borrows."""
    return ", ".join(f"{word} ({', '.join(where)})" for word, where in borrowed(matched_in).items())
