"""Fixes for Whoosh-Reloaded 2.7.5 bugs that change which paragraphs match.

AndNotMatcher (`a ANDNOT b`, what `-word` parses to) only looks at its first
document when both matchers *start* on the same id: when the excluded matcher
starts earlier (a paragraph with the word sits before the first candidate), the
first candidate is never checked, so `hostages -moscow` could return a paragraph
whose title says Moscow. The fix checks the first candidate like every other.
Applied once, when the read path's engine is imported.
"""

from __future__ import annotations


def _find_first(self) -> None:
    if self.a.is_active() and self.b.is_active():
        self._find_next()


def apply() -> None:
    from whoosh.matching.binary import AndNotMatcher

    AndNotMatcher._find_first = _find_first
