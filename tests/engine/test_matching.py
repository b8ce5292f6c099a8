"""The default matching rule: every-word matches first, then the page filled by BM25.

Two words mean both (the core issue's `Bogdanov ceasefire`); a query of three or
more words that only a few paragraphs match in full is filled up to the limit with
paragraphs that have some of its words, ranked by BM25 (a rare word counts for
more than two common ones), each marked with what it misses.
"""

from __future__ import annotations

import pytest
from conftest import index_records

from search.engine import ALL_WORDS, Engine
from search.whoosh.scoring import TIERED

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py

# "lantern" and "harbour" are in almost every paragraph (little idf); "quay" in two.
RECORDS = [
    {"id": "all", "title": "Evening", "text": "the lantern by the harbour quay"},
    {"id": "rare", "title": "Stones", "text": "a quay of old stones"},
    *(
        {"id": f"common{i}", "title": f"Note {i}", "text": f"lantern and harbour, filler {i}"}
        for i in range(20)
    ),
    {"id": "none", "title": "Elsewhere", "text": "nothing to see"},
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return index_records(RECORDS, tmp_path_factory.mktemp("matching"))


@pytest.fixture(scope="module")
def engine(index_dir):
    with Engine(index_dir) as engine:
        yield engine


def test_three_words_fill_the_page_after_the_every_word_match(engine):
    result = engine.search("lantern harbour quay", limit=5, suggest=False)
    hits = result.hits
    assert (hits[0].doc_id, hits[0].missing) == ("all", [])
    assert len(hits) == 5 and all(h.missing for h in hits[1:])
    assert result.mode == ALL_WORDS
    assert any("fewer paragraphs than asked" in n for n in result.notices)
    assert result.total == 22  # every paragraph with any of the words


def test_partial_matches_are_ranked_by_bm25_not_by_how_many_words(index_dir, engine):
    hits = engine.search("lantern harbour quay", limit=5, suggest=False).hits
    # One rare word outweighs two words found almost everywhere.
    assert (hits[1].doc_id, hits[1].missing) == ("rare", ["lantern", "harbour"])
    assert [h.score for h in hits[1:]] == sorted((h.score for h in hits[1:]), reverse=True)
    with Engine(index_dir, strategy=TIERED) as tiered:
        by_count = tiered.search("lantern harbour quay", limit=5, suggest=False).hits
    assert by_count[1].doc_id != "rare"  # the other rule would bury it


def test_two_words_mean_both(engine):
    result = engine.search("lantern quay", limit=10, suggest=False)
    assert [(h.doc_id, h.missing) for h in result.hits] == [("all", [])]
    assert result.total == 1
    filled = engine.search("lantern quay", limit=10, suggest=False, partial=True)
    assert {h.doc_id for h in filled.hits} > {"all", "rare"}


def test_every_word_matches_that_fill_the_page_come_alone(engine):
    result = engine.search("lantern harbour filler", limit=5, suggest=False)
    assert len(result.hits) == 5
    assert all(not h.missing and h.doc_id.startswith("common") for h in result.hits)
    assert result.total == 20  # the every-word matches, not every paragraph with a word
    assert not any("some of them" in n for n in result.notices)


def test_no_every_word_match_falls_back_to_some_words(engine):
    result = engine.search("quay nothing stones", limit=10, suggest=False)
    assert {h.doc_id for h in result.hits} == {"rare", "all", "none"}
    assert result.hits[0].doc_id == "rare"  # two of the three words
    assert any("no paragraph has all the words" in n for n in result.notices)


def test_a_sentence_s_function_words_are_neither_missing_nor_scored(engine):
    # Six words, so a sentence: `which`, `where` and `what` are not searched for,
    # and a hit that lacks them must not be told it misses them.
    query = "which lantern, where harbour, what quay"
    result = engine.search(query, limit=3, suggest=False, explain=True)
    assert result.hits[0].doc_id == "all"
    assert result.hits[0].missing == []  # has every word that was searched for
    assert result.mode == ALL_WORDS
    words = {s.word for s in result.hits[0].explain}
    assert words == {"lantern", "harbour", "quay"}
    assert result.hits[1].missing == ["lantern", "harbour"]
    # Contractions are one word to the analyzer, and function words all the same.
    hit = engine.search("I'd like the lantern, don't mind the harbour quay", explain=True).hits[0]
    assert (hit.doc_id, hit.missing) == ("all", ["like", "mind"])
    assert {s.word for s in hit.explain} == {"like", "lantern", "mind", "harbour", "quay"}


def test_a_long_missing_list_names_a_few_and_counts_the_rest():
    from search.display.styles import missing_note

    words = [f"w{i}" for i in range(20)]
    assert missing_note(words) == "missing: w0, w1, w2, w3, w4, w5, w6, w7 and 12 more"
    assert missing_note(words[:9]) == "missing: " + ", ".join(words[:9])  # never "1 more"
    assert missing_note(["moscow"]) == "missing: moscow"


def test_every_function_word_is_known_whatever_the_other_languages_stem_it_to(engine):
    # A bare word is looked up in the English, German and Arabic fields; the German
    # stemmer makes `wher` of `where` and `hav` of `have`, which once kept 37 of
    # the list's words in sentence-long queries.
    from search.query.function_words import FUNCTION_WORDS, is_function_word
    from search.query.parsing import free_parts

    kept, looked_up = [], 0
    stems = engine.backend.function_stems("text")
    for word in sorted(FUNCTION_WORDS):
        parts = free_parts(engine.plan(f"quay {word}").query)[1:]  # a stop word has none
        looked_up += len(parts)
        kept += [word for part in parts if not is_function_word(part, stems)]
    assert kept == []
    assert looked_up > 100  # most are indexed (only Lucene's 33 stop words are not)


def test_a_word_counts_as_often_as_the_query_repeats_its_english_stem(engine):
    # `searchers` stems to `searcher` in English but to `search` in German: asking
    # for `search` twice must not make `searchers` count twice too.
    from search.query.parsing import free_parts
    from search.whoosh.ranking import counted

    plan = engine.plan("search search searchers")
    parts = counted(free_parts(plan.query), plan.counts)
    boosts = {
        next(leaf.text for leaf in part.leaves() if leaf.field() == "text"): part.boost
        for part in parts
    }
    assert boosts == {"search": 2.0, "searcher": 1.0}
