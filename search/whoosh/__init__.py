"""The Whoosh backend: everything that touches Whoosh's searcher, matchers,
collectors and scoring, the pattern expansion and the fixes to Whoosh."""
