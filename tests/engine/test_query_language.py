"""Every piece of the query language in the README, each on a real index.

The archive is four small JSON Lines records written here, indexed through the
product's own indexing path; each test asserts which paragraphs a query finds.
"""

from __future__ import annotations

import pytest
from conftest import index_records

from search.engine import ANY_WORD, Engine
from search.query.near import near_spans

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py

RECORDS = [
    {
        "id": "talks",
        "title": "Ceasefire talks in Moscow",
        "text": "Negotiators met in Moscow to discuss a ceasefire.\n\n"
        "The hostages were not mentioned by either side.\n\n"
        "A third paragraph about the weather in Moscow.\n\n"
        "A fourth paragraph: Moscow weather again, and a ceasefire.",
        "date": "2024-03-05",
        "source": "Wire One",
    },
    {
        "id": "harvest",
        "title": "Harvest report",
        "text": "The wheat harvest was poor this year because of drought.\n\n"
        "Farmers asked for a ceasefire on prices.",
        "date": "2023-08-20",
        "source": "Farm News",
    },
    {
        "id": "peace",
        "title": "Peace process",
        "text": "The peace process stalled after the ceasefire collapsed near the border.\n\n"
        "Mediators said the process of peace needs time.",
        "date": "2024-11-02",
        "source": "Wire One",
    },
    {
        "id": "colour",
        "title": "Archive notes",
        "text": "Organisation of the archive: colour prints and slides.",
        "date": "2022-01-15",
        "source": "Arts Desk",
    },
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return index_records(RECORDS, tmp_path_factory.mktemp("archive"), "news.jsonl")


@pytest.fixture(scope="module")
def engine(archive):
    with Engine(archive) as engine:
        yield engine


def found(engine: Engine, query: str, **kwargs) -> list[tuple[str, int]]:
    result = engine.search(query, limit=50, suggest=False, **kwargs)
    return [(h.doc_id, h.paragraph) for h in result.hits]


def docs(engine: Engine, query: str) -> set[str]:
    return {doc for doc, _ in found(engine, query)}


def test_words_mean_all_of_them_first(engine):
    result = engine.search("ceasefire moscow", limit=50, suggest=False, partial=True)
    complete = [h for h in result.hits if not h.missing]
    assert {(h.doc_id, h.paragraph) for h in complete} == {("talks", p) for p in (1, 2, 3, 4)}
    # Every-word paragraphs come before any paragraph that lacks a word.
    first_partial = next(i for i, h in enumerate(result.hits) if h.missing)
    assert all(not h.missing for h in result.hits[:first_partial])
    assert all(h.missing == ["moscow"] for h in result.hits[first_partial:])


def test_or_fallback_when_no_paragraph_has_every_word(engine):
    result = engine.search("drought hostages", limit=10, suggest=False)
    assert result.mode == ANY_WORD
    assert {(h.doc_id, h.paragraph) for h in result.hits} == {("harvest", 1), ("talks", 2)}
    assert {tuple(h.missing) for h in result.hits} == {("hostages",), ("drought",)}
    assert any("some of them" in n for n in result.notices)


def test_or(engine):
    assert docs(engine, "drought OR border") == {"harvest", "peace"}


def test_not_and_minus(engine):
    assert docs(engine, "ceasefire NOT moscow") == {"harvest", "peace"}
    assert docs(engine, "ceasefire -moscow") == {"harvest", "peace"}


def test_plus_requires_a_word(engine):
    hits = found(engine, "+drought ceasefire")
    assert hits and all(doc == "harvest" for doc, _ in hits)
    assert ("harvest", 1) in hits


def test_parentheses_group(engine):
    result = engine.search("(border OR weather) ceasefire", limit=50, suggest=False, partial=True)
    complete = {(h.doc_id, h.paragraph) for h in result.hits if not h.missing}
    # talks ¶3 says "weather" and its title says "Ceasefire".
    assert complete == {("peace", 1), ("talks", 3), ("talks", 4)}
    assert {tuple(h.missing) for h in result.hits if h.missing} == {("(border OR weather)",)}


def test_phrase_keeps_word_order(engine):
    assert found(engine, '"wheat harvest"') == [("harvest", 1)]
    assert found(engine, '"harvest wheat"') == []


def test_phrase_with_slop(engine):
    assert found(engine, '"negotiators ceasefire"') == []
    assert found(engine, '"negotiators ceasefire"~5') == [("talks", 1)]


def test_phrase_with_slop_takes_the_words_in_either_order(engine):
    # ¶1: "Negotiators met in Moscow to discuss a ceasefire": four words apart.
    assert found(engine, '"ceasefire negotiators"~5') == [("talks", 1)]
    assert found(engine, '"ceasefire negotiators"~2') == []
    hit = engine.search('"ceasefire negotiators"~5', suggest=False).hits[0]
    lit = [hit.text[s:e] for s, e in hit.highlights]
    assert lit == ["Negotiators", "ceasefire"]  # the two words, not what stands between


def test_near(engine):
    assert found(engine, "ceasefire NEAR negotiators") == [("talks", 1)]
    assert found(engine, "ceasefire NEAR/5 negotiators") == [("talks", 1)]
    assert found(engine, "ceasefire NEAR/2 negotiators") == []
    # NEAR/1 and NEAR/0 are NEAR/2 (either order), said in a notice
    result = engine.search("discuss NEAR/1 moscow", suggest=False)  # "Moscow to discuss"
    assert [(h.doc_id, h.paragraph) for h in result.hits] == [("talks", 1)]
    assert any("NEAR/2" in n for n in result.notices)
    assert found(engine, "negotiators NEAR moscow NEAR ceasefire") == [("talks", 1)]
    # The title says "Ceasefire", but not near ¶2's "hostages".
    assert found(engine, "hostages NEAR ceasefire") == []
    # Inside quotes NEAR is a word of the phrase.
    assert found(engine, '"collapsed NEAR the border"') == [("peace", 1)]


def test_near_between_other_things_is_dropped_with_a_notice(engine):
    result = engine.search("title:harvest NEAR wheat", suggest=False)
    assert [(h.doc_id, h.paragraph) for h in result.hits] == [("harvest", 1)]
    assert any("NEAR joins two plain words" in n for n in result.notices)


def test_near_highlight_of_a_paragraph_that_repeats_the_words_stays_cheap():
    # 3,000 alternating words: following every partial match would take minutes.
    tokens = [("a" if i % 2 else "b", i, 2 * i, 2 * i + 1) for i in range(3000)]
    assert len(near_spans(tokens, ["a", "b", "a", "b"], 50)) == 3000
    assert near_spans([("b", 1, 2, 3), ("a", 4, 6, 7)], ["a", "b"], 3) == [(2, 3), (6, 7)]
    assert near_spans([("b", 1, 2, 3), ("a", 4, 6, 7)], ["a", "b"], 2) == []


def test_field_value(engine):
    assert docs(engine, "title:harvest") == {"harvest"}
    assert docs(engine, "source:farm") == {"harvest"}
    assert docs(engine, "ceasefire source:wire") == {"talks", "peace"}


def test_wildcards(engine):
    assert docs(engine, "harv*") == {"harvest"}
    assert docs(engine, "cease?ire") == {"talks", "harvest", "peace"}


def test_fuzzy_word(engine):
    assert docs(engine, "ceasfire") == set()
    assert docs(engine, "ceasfire~") == {"talks", "harvest", "peace"}


def test_date_ranges(engine):
    assert docs(engine, "date:[2024-01-01 TO 2024-06-30]") == {"talks"}
    assert docs(engine, "date:>2024-06-01") == {"peace"}
    assert docs(engine, "ceasefire date:2023") == {"harvest"}
    assert docs(engine, "date:<2023-01-01") == {"colour"}


def test_number_ranges(engine):
    assert set(found(engine, "paragraph:[2 TO 3]")) == {
        ("talks", 2),
        ("talks", 3),
        ("harvest", 2),
        ("peace", 2),
    }
    assert set(found(engine, "moscow paragraph:>2")) == {("talks", 3), ("talks", 4)}
    assert set(found(engine, "moscow paragraph:<=1")) == {("talks", 1)}


def test_filters_stay_constraints_in_the_fallback(engine):
    result = engine.search("source:farm ceasefire hostages", limit=50, suggest=False)
    assert result.hits and {h.doc_id for h in result.hits} == {"harvest"}
    assert all(h.missing == ["hostages"] for h in result.hits)
    assert docs(engine, "ceasefire hostages -moscow") == {"harvest", "peace"}


def test_did_you_mean_offers_real_words(engine):
    result = engine.search("ceasfire", limit=10)
    assert result.total == 0
    assert result.suggestion == "ceasefire"  # the word as written, not the stem
    assert engine.search("ceasefire", limit=10).suggestion is None


def test_did_you_mean_keeps_the_rest_of_the_query(engine):
    assert engine.search("harvset drought", limit=10).suggestion == "harvest drought"


def test_expand_keeps_filters_and_the_query_words(engine):
    result = engine.search("source:wire ceasefire", limit=50, suggest=False, expand=True)
    assert {h.doc_id for h in result.hits} == {"talks", "peace"}
    plain = engine.search("source:wire ceasefire", limit=50, suggest=False)
    assert result.total == plain.total  # added words re-rank, they never add paragraphs


def test_not_excludes_even_when_the_excluded_word_comes_first(engine):
    # Whoosh's AndNot skipped its first candidate when the excluded term's first
    # paragraph came earlier; talks ¶2 has "hostages" and a title with "Moscow".
    assert found(engine, "hostages -moscow") == []
    assert found(engine, "hostages NOT moscow") == []
    assert found(engine, "hostages") == [("talks", 2)]


def test_a_word_the_analyzer_splits_is_a_phrase_of_its_pieces(tmp_path):
    records = [
        {"id": "g7", "text": "The G-7 ministers met in Paris."},
        {"id": "g5", "text": "The G-5 met in Paris; 7 ministers came."},
        {"id": "truce", "text": "A cease-fire was agreed at dawn."},
        {"id": "fire", "text": "The fire did not cease until dawn."},
        {"id": "rate", "text": "The rate stays at 4.75% after 75 days, 4 analysts said."},
        {"id": "rate2", "text": "The rate rose to 4.75 percent."},
    ]
    with Engine(index_records(records, tmp_path)) as engine:
        assert docs(engine, "G-7") == {"g7"}  # not the G-5 with a 7 further on
        assert docs(engine, "g-7 paris") == {"g7"}
        assert docs(engine, "cease-fire") == {"truce"}
        assert docs(engine, "cease fire") == {"truce", "fire"}  # two words: both, anywhere
        assert docs(engine, "4.75%") == {"rate", "rate2"}
        (hit,) = engine.search("G-7", suggest=False).hits
        assert [hit.text[a:b] for a, b in hit.highlights] == ["G-7"]


def test_a_query_of_only_minus_words_excludes_them(engine):
    # Whoosh drops a query of only `-word`s; searching the word itself instead
    # returned exactly the paragraphs the person excluded.
    everything = {(d, p) for d, p in found(engine, "NOT zzzzabsent")}
    with_moscow = set(found(engine, "moscow"))
    assert set(found(engine, "-moscow")) == everything - with_moscow
    assert set(found(engine, "-moscow -ceasefire")) == set(
        found(engine, "NOT moscow NOT ceasefire")
    )
    assert docs(engine, "-title:ceasefire") == {"harvest", "peace", "colour"}


def test_a_range_written_backwards_is_turned_round_and_said(engine):
    result = engine.search("date:[2024-06 TO 2024-01]", limit=50, suggest=False)
    assert {h.doc_id for h in result.hits} == {"talks"}
    assert any("runs backwards" in n for n in result.notices)
    assert set(found(engine, "paragraph:[3 TO 2]")) == set(found(engine, "paragraph:[2 TO 3]"))
    # A range inside one year is not backwards.
    assert docs(engine, "date:[2024-03 TO 2024]") == {"talks", "peace"}


@pytest.mark.parametrize(
    "query",
    ["date:2024-13", "ceasefire date:[2024-02-30 TO 2025]", "date:yesterday", "page:abc moscow"],
)
def test_a_date_or_number_that_is_not_one_is_an_error(engine, query):
    from search.query.parsing import BadValue

    with pytest.raises(BadValue, match="cannot read"):
        engine.search(query, limit=10)


def test_a_name_that_is_no_field_is_said_and_searched_as_words(engine):
    result = engine.search("sorce:farm ceasefire", limit=10, suggest=False)
    assert any("'sorce:' is not a field" in n for n in result.notices)
    assert not any("not a field" in n for n in engine.search("Source:farm", limit=5).notices)
    assert docs(engine, "Source:farm") == {"harvest"}  # field names ignore case
    assert engine.search("http://example.org", limit=5, suggest=False).notices == []


def test_did_you_mean_leaves_numbers_and_field_values_alone(engine):
    from search.query.parsing import respellable_words

    # `date:2024-13` was offered as `date:2004-13`, `[2024 TO 2023]` as `[2004 TO 2023]`.
    assert respellable_words('date:[2024 TO 2023] moscw title:"harvset x" path:a/b* 2024') == [
        "moscw"
    ]
    assert engine.search("date:2023 harvset", limit=10).suggestion == "date:2023 harvest"


def test_a_fuzzy_word_ranks_the_common_spelling_above_a_rare_near_miss(tmp_path):
    # `government~` is one edit from the rare misspelling `goverment`: scored by its
    # own idf, the one paragraph with the rare word came first. (Over stems,
    # `goverment~` was `gover~`, one edit from `goer`; fuzzy terms now expand over
    # written forms, where `goers` is three edits away.)
    records = [{"id": "odd", "title": "Queue", "text": "Goverment 7 queued outside."}] + [
        {"id": f"g{i}", "title": "Queue", "text": f"Government {i} queued outside."}
        for i in range(6)
    ]
    records.append({"id": "goers", "title": "Queue", "text": "Cinema goers queued outside."})
    with Engine(index_records(records, tmp_path)) as engine:
        hits = engine.search("government~", limit=10, suggest=False).hits
        assert [h.doc_id for h in hits][-1] == "odd" and len(hits) == 7
        assert "goers" not in {h.doc_id for h in engine.search("goverment~", limit=10).hits}
