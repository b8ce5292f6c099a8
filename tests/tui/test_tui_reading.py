"""The pieces under the app, on a real seeds index: Engine.document / suggest,
the query history file, the citation and the status line."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.engine import ANY_WORD, Engine
from search.tui.citation import citation
from search.tui.history import QueryHistory
from search.tui.messages import SearchOutcome
from search.tui.shared_engine import IndexInfo
from search.tui.widgets.status import status_text


@pytest.fixture
def engine(seeds_index: Path):
    with Engine(seeds_index) as eng:
        yield eng


def test_document_returns_every_paragraph_in_order_highlighted(engine):
    hit = engine.search("ceasefire").hits[0]
    paragraphs = engine.document(hit.file_key, hit.doc_id, "ceasefire")
    numbers = [p.paragraph for p in paragraphs]
    assert numbers == sorted(numbers) and len(numbers) == engine.paragraph_count()
    assert hit.paragraph in numbers
    lit = [p.text[s:e].lower() for p in paragraphs for s, e in p.highlights]
    assert lit.count("ceasefire") == 2  # both mentions in the document, not only the hit's
    assert {p.file_key for p in paragraphs} == {hit.file_key}
    same = next(p for p in paragraphs if p.paragraph == hit.paragraph)
    assert same.highlights == hit.highlights  # the same spans as the search computed


def test_document_highlights_the_or_fallback_words(engine):
    result = engine.search("ceasefire zzyzx")
    assert result.mode == ANY_WORD
    hit = result.hits[0]
    paragraphs = engine.document(hit.file_key, hit.doc_id, "ceasefire zzyzx", result.mode)
    assert any(p.highlights for p in paragraphs)
    strict = engine.document(hit.file_key, hit.doc_id, "ceasefire zzyzx")
    assert [p.text for p in strict] == [p.text for p in paragraphs]


def test_suggest_offers_real_words_not_stems(engine):
    assert engine.suggest("ceasfire") == "ceasefire"  # the stem would be 'ceasefir'
    assert engine.suggest("moscw ceasefire") == "moscow ceasefire"
    assert engine.suggest("ceasefire") is None  # nothing to correct
    assert engine.suggest("title:moscw") is None  # fielded values are left alone
    assert engine.suggest("qqqqqqqq") is None  # nothing close enough


def test_history_keeps_order_dedupes_and_survives_a_restart(tmp_path):
    path = tmp_path / "sub" / "history.txt"
    history = QueryHistory(path, limit=3)
    for q in ["a", "b", "a", "c  d", "e"]:
        history.add(q)
    assert history.entries == ["a", "c d", "e"]
    again = QueryHistory(path, limit=3)
    assert again.entries == ["a", "c d", "e"]
    assert again.older("typing") == "e"
    assert again.older("ignored") == "c d"
    assert again.older("") == "a"
    assert again.older("") is None  # at the oldest
    assert again.newer() == "c d"
    assert again.newer() == "e"
    assert again.newer() == "typing"  # past the newest: the draft comes back
    assert not again.browsing and again.newer() is None


def test_history_tolerates_an_unreadable_file(tmp_path):
    path = tmp_path / "history.txt"
    path.write_bytes(b"\xff\xfe\x00bad")
    history = QueryHistory(path)
    assert history.entries == []
    history.add("ceasefire")
    assert path.read_text(encoding="utf-8") == "ceasefire\n"


def test_citation_names_title_source_date_and_paragraph(engine):
    hit = engine.search("ceasefire").hits[0]
    text = citation(hit)
    head, _, body = text.partition("\n\n")
    assert head.startswith(hit.title) and head.endswith(f"¶{hit.paragraph}")
    assert (hit.source or hit.path) in head
    assert body.strip() == hit.text


def test_status_line_says_what_happened(engine):
    info = IndexInfo("seeds-index", Path("/x"), 1, 7)
    found = SearchOutcome(1, "ceasefire", result=engine.search("ceasefire"))
    line = status_text(found, info, show_timing=True).plain
    assert line.startswith("2 paragraphs match · ") and " ms · " in line
    assert "index seeds-index: 1 document, 7 paragraphs" in line
    assert " ms" not in status_text(found, info, show_timing=False).plain
    relaxed = SearchOutcome(2, "ceasefire zzyzx", result=engine.search("ceasefire zzyzx"))
    assert "(any word)" in status_text(relaxed, info).plain
    assert "showing paragraphs with some of them" in status_text(relaxed, info).plain
    none = SearchOutcome(3, "zzyzx", result=engine.search("zzyzx"), suggestion="zebra")
    assert "No paragraph matches 'zzyzx'" in status_text(none, info).plain
    assert "Did you mean zebra?" in status_text(none, info).plain
    failed = SearchOutcome(4, "the", error="the query has only common words")
    assert status_text(failed, info).plain.startswith("the query has only common words")


def test_status_offers_a_spelling_when_only_some_words_matched(engine):
    info = IndexInfo("seeds-index", Path("/x"), 1, 7)
    result = engine.search("ceasfire moscow")
    assert result.mode == ANY_WORD
    outcome = SearchOutcome(1, "ceasfire moscow", result=result)
    outcome.suggestion = engine.suggest("ceasfire moscow")
    assert outcome.suggestion == "ceasefire moscow"
    assert "did you mean ceasefire moscow? (F2)" in status_text(outcome, info).plain
