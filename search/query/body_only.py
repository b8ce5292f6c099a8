"""`text:` queries: the paragraph's own words, not the title and heading folded in.

The text field also holds each paragraph's title and heading (index.whoosh.folded_text),
at positions from CONTEXT_START on, so that bare words are scored as BM25F. A
person who writes `text:otters` asks for paragraphs that themselves say it;
this wrapper keeps the matches whose positions lie before CONTEXT_START.
"""

from __future__ import annotations

from whoosh.query.spans import SpanFirst
from whoosh.query.wrappers import WrappingQuery
from whoosh.searching import SearchContext

from index.whoosh.folded_text import CONTEXT_START


class BodyOnly(WrappingQuery):
    """Matches of `child` that lie in the paragraph's own words."""

    def __eq__(self, other):
        return type(other) is type(self) and self.child == other.child

    __hash__ = WrappingQuery.__hash__

    def normalize(self):
        return self._rewrap(self.child.normalize())

    def matcher(self, searcher, context=None):
        # Span filtering needs a union that can report positions: Whoosh's
        # preloaded array union (chosen when the current match is not needed) cannot.
        context = (context or SearchContext()).set(needs_current=True)
        child = self.child.matcher(searcher, context)
        if not child.is_active():
            return child
        return SpanFirst.SpanFirstMatcher(child, limit=CONTEXT_START - 1)
