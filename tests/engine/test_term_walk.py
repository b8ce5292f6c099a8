"""search.whoosh.term_walk reads the same words, in the same order, as Whoosh's expand_prefix."""

from __future__ import annotations

import pytest
from whoosh.fields import ID, KEYWORD, TEXT

from search.engine import Engine
from search.whoosh.patterns import _leaves
from search.whoosh.term_walk import BLOCK, prefix_terms

PREFIXES = ["", "c", "ce", "the", "z", "zzzz", "é", "ü", "ال", "\uffff", "1"]


@pytest.mark.parametrize("block", [BLOCK, 7])  # 7: entries cut across every block end
def test_prefix_terms_match_expand_prefix(seeds_index, monkeypatch, block):
    import search.whoosh.term_walk

    monkeypatch.setattr(search.whoosh.term_walk, "BLOCK", block)
    with Engine(seeds_index) as engine:
        reader = engine.backend.searcher.reader()
        fields = [n for n, f in reader.schema.items() if isinstance(f, TEXT | ID | KEYWORD)]
        total = 0
        for leaf in _leaves(reader):
            for field in fields:
                for prefix in PREFIXES:
                    expected = list(leaf.expand_prefix(field, prefix))
                    assert list(prefix_terms(leaf, field, prefix)) == expected, (field, prefix)
                    total += len(expected)
        assert total > 100  # the comparison saw real words


def test_prefix_terms_falls_back_for_other_readers(seeds_index):
    with Engine(seeds_index) as engine:
        reader = engine.backend.searcher.reader()  # a MultiReader or a SegmentReader
        assert list(prefix_terms(reader, "text", "c")) == list(reader.expand_prefix("text", "c"))
