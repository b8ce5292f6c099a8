"""Written forms beside stems (issue 16): quoted words and patterns match words as
written, a bare word still finds its stem's other forms but ranks the word as typed
first, and British and American spellings of -ise/-ize are one word."""

from __future__ import annotations

import pytest
from conftest import index_records

from index.spelling_variants import WORDS_FILE, american, derive
from index.whoosh.analysis import english_analyzer, written_analyzer
from search.engine import Engine

# A privatization/private fixture: one stem (`privat`) for words a reader keeps apart.
RECORDS = [
    {"id": "railways", "title": "Rail", "text": "The privatization of the railways starts in May."},
    {"id": "water", "title": "Water", "text": "Critics said the privatisation of water failed."},
    {"id": "placement", "title": "Bank", "text": "A private placement of bank shares."},
    {"id": "owned", "title": "Firm", "text": "The firm was privately owned for years."},
    {"id": "privates", "title": "Army", "text": "Two privates and a private car."},
    {"id": "plans", "title": "Plans", "text": "Plans to privatize the port were dropped."},
    {"id": "talks", "title": "Peace", "text": "The peace talks resumed after a week."},
    {"id": "talk", "title": "Peace", "text": "A peace talk lasted a week."},
    {"id": "economy", "title": "Growth", "text": "Economic growth slowed; economists disagreed."},
    {"id": "economics", "title": "School", "text": "She studies economics and economies."},
    {"id": "organize", "title": "Union", "text": "Workers organised a union organisation."},
    {"id": "size", "title": "Prices", "text": "Prices rise with the size of the prize; wise."},
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    with Engine(index_records(RECORDS, tmp_path_factory.mktemp("forms"))) as engine:
        yield engine


def ids(engine: Engine, query: str) -> list[str]:
    return [h.doc_id for h in engine.search(query, limit=50, suggest=False).hits]


def test_a_quoted_word_matches_its_written_form_only(engine):
    # British and American spellings are one word; `private` and `privately` are not it.
    assert set(ids(engine, '"privatization"')) == {"railways", "water"}
    assert set(ids(engine, '"privatisation"')) == {"railways", "water"}
    assert set(ids(engine, '"private"')) == {"placement", "privates"}


def test_a_quoted_phrase_matches_written_forms(engine):
    assert ids(engine, '"peace talks"') == ["talks"]  # over stems, `peace talk` too
    assert set(ids(engine, "peace talks")) == {"talks", "talk"}


def test_a_bare_word_finds_its_stem_and_ranks_the_word_as_typed_first(engine):
    found = ids(engine, "privatization")
    assert set(found) >= {"railways", "water", "placement", "owned"}  # the stem's forms
    assert set(found[:2]) == {"railways", "water"}  # the word as typed, in either spelling


def test_patterns_expand_over_written_forms(engine):
    assert set(ids(engine, "privatiz*")) == {"railways", "water", "plans"}
    assert set(ids(engine, "*ization")) == {"railways", "water", "organize"}
    economic, economi = set(ids(engine, "economic*")), set(ids(engine, "economi*"))
    assert economic == {"economy", "economics"} and economic <= economi
    assert set(ids(engine, "privat*")) == {
        "railways",
        "water",
        "plans",
        "owned",
        "placement",
        "privates",
    }


def test_highlights_light_the_written_forms_matched(engine):
    hit = engine.search('"privatization"', limit=5, suggest=False).hits
    texts = {h.doc_id: [h.text[a:b] for a, b in h.highlights] for h in hit}
    assert texts == {"railways": ["privatization"], "water": ["privatisation"]}
    (talks,) = engine.search('"peace talks"', limit=5, suggest=False).hits
    assert [talks.text[a:b] for a, b in talks.highlights] == ["peace talks"]
    (plans, *_) = [h for h in engine.search("privatiz*", limit=5).hits if h.doc_id == "plans"]
    assert [plans.text[a:b] for a, b in plans.highlights] == ["privatize"]


def test_british_spellings_fold_to_american_but_lookalikes_stay():
    for british, us in [
        ("privatisation", "privatization"),
        ("organised", "organized"),
        ("analyse", "analyze"),
        ("paralysing", "paralyzing"),
        ("criticises", "criticizes"),
    ]:
        assert american(british) == us
    for word in ("rise", "size", "wise", "prize", "surprise", "exercise", "advertise", "analyses"):
        assert american(word) == word
    stem = [t.text for t in english_analyzer()("privatisation privatization")]
    assert stem[0] == stem[1]
    written = [t.text for t in written_analyzer()("Privatisation PRIVATIZATION rise")]
    assert written == ["privatization", "privatization", "rise"]


def test_the_word_list_is_pyspellcheckers_american_english():
    spellchecker = pytest.importorskip("spellchecker")  # the test extra installs it
    from index.spelling_variants import _pyspellchecker_words

    assert spellchecker is not None
    listed = WORDS_FILE.read_text("utf-8").split()
    assert listed == derive(_pyspellchecker_words())
    assert "privatization" in listed and "analyze" in listed and "surprize" not in listed
