"""BM25F by folding: the title and heading count as weighted words of each paragraph's
text field; `text:` still means the paragraph's own words; repeated query words count."""

from __future__ import annotations

import pytest
from conftest import index_records

from index.whoosh.analysis import english_analyzer
from index.whoosh.folded_text import CONTEXT_START, FoldedText, sections
from search.engine import Engine

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py

FILLER = "The committee met on Monday and talked about the schedule for the next season"
RECORDS = [
    # Same paragraph text; only the first document's title says "otters".
    {"id": "titled", "title": "Otters of the north coast", "text": f"{FILLER} and otters."},
    {"id": "untitled", "title": "Minutes of the meeting", "text": f"{FILLER} and otters."},
    # "otters" only in the title: found by a bare word, not by `text:`.
    {"id": "title-only", "title": "Otters return", "text": "Herons nest by the river mouth."},
    # A phrase must not run from the paragraph into its title.
    {"id": "boundary", "title": "Ministry statement", "text": "Talks ended with the foreign"},
    {"id": "phrase", "title": "News", "text": "The foreign ministry said nothing new today."},
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    with Engine(index_records(RECORDS, tmp_path_factory.mktemp("folded"))) as engine:
        yield engine


def ids(result) -> list[str]:
    return [h.doc_id for h in result.hits]


def test_folded_field_weights_each_section_and_places_the_title_after_the_text():
    field = FoldedText(analyzer=english_analyzer(), phrase=True)
    value = sections("otters swim", "Otters", "Rivers", title_weight=0.5, heading_weight=0.25)
    postings = {word: (freq, weight) for word, freq, weight, _ in field.index(value)}
    assert postings[b"otter"] == (2, 1.5)  # once in the text (1) + once in the title (0.5)
    assert postings[b"river"] == (1, 0.25)
    positions = dict((w, field.format.decode_positions(v)) for w, _, _, v in field.index(value))
    assert positions[b"swim"] == [1]
    assert positions[b"otter"][-1] >= CONTEXT_START


def test_a_title_word_lifts_the_paragraphs_of_that_document(engine):
    result = engine.search("otters", per_doc=0)
    assert ids(result)[0] == "titled"
    assert ids(result).index("titled") < ids(result).index("untitled")


def test_a_word_only_in_the_title_is_found_by_a_bare_word_but_not_by_text(engine):
    assert "title-only" in ids(engine.search("otters"))
    assert "title-only" in ids(engine.search("title:otters"))
    body = engine.search("text:otters", per_doc=0)
    assert set(ids(body)) == {"titled", "untitled"}
    assert "title-only" not in ids(engine.search("text:otter*", per_doc=0))
    assert "title-only" not in ids(engine.search("text:otterz~", per_doc=0))


def test_a_phrase_does_not_run_from_the_text_into_the_title(engine):
    assert ids(engine.search('"foreign ministry"')) == ["phrase"]
    assert ids(engine.search('text:"foreign ministry"')) == ["phrase"]


def test_a_word_asked_several_times_counts_several_times(tmp_path):
    # Two paragraphs with one query word each, equally rare and equally long: only
    # the number of times the query asks for each word can order them.
    records = [
        {"id": "a", "title": "", "text": "associative memory designs compared"},
        {"id": "b", "title": "", "text": "parallel machines designs compared"},
        {"id": "c", "title": "", "text": "unrelated words fill this paragraph"},
    ]
    with Engine(index_records(records, tmp_path)) as engine:
        once = engine.search("associative parallel stores processors designs")
        # Ties go to the first paragraph indexed ("a"): each query favours "b".
        twice = engine.search("associative parallel stores processors parallel designs")
        thrice = engine.search("associative parallel associative processors parallel parallel")
    assert {ids(once)[0], ids(once)[1]} == {"a", "b"}
    assert once.hits[0].score == pytest.approx(once.hits[1].score)
    assert ids(twice)[0] == "b"  # a sentence-long query (ranked over partial matches)
    assert ids(thrice)[0] == "b"  # a keyword query's OR fallback
