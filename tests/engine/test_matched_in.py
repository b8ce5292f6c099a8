"""Where each query word matched: the paragraph, its title or its heading (search.whoosh.said).

A bare word finds a paragraph whose title says it (the title is folded into the text
field); each hit says so, and the paragraphs that say every word themselves rank
above those that borrow one, whatever their BM25.
"""

from __future__ import annotations

import json

import pytest

from search.engine import Engine
from tests.conftest import index_records, run_cli
from tests.tui_helpers import SIZE, run, settle, wait_ready

# `a`: a title that repeats the word, on a short paragraph: by BM25 alone it ranks
# first, though the paragraph itself never says "tariffs".
RECORDS = [
    {
        "id": "a",
        "title": "Tariffs, tariffs and more tariffs",
        "text": "Yeutter met the delegation.\n\nThe talks ended without agreement.",
    },
    {
        "id": "b",
        "title": "Trade news",
        "text": "Yeutter said the tariffs on semiconductors would stay in place until "
        "Japan opened its markets to American chip makers, a position the "
        "administration has held since the spring and repeated to the delegation.",
    },
    {"id": "c", "title": "Farm exports", "text": "Wheat exports rose. Yeutter welcomed it."},
    {"id": "d", "title": "Budget", "text": "The tariffs went up again this quarter."},
]


@pytest.fixture
def index(tmp_path):
    return index_records(RECORDS, tmp_path)


def test_a_paragraph_that_says_every_word_ranks_above_one_borrowing_from_its_title(index):
    with Engine(index) as engine:
        plain = engine.rank("Yeutter tariffs", 10)
        result = engine.search("Yeutter tariffs", per_doc=0)
    # The title's three "tariffs" would put `a` first by score alone.
    assert [h.doc_id for h in result.hits] == ["b", "a"]
    assert [f["doc_id"] for _, _, f, _ in plain.rows] == ["b", "a"]


def test_each_hit_says_where_each_word_matched_keys_as_typed(index):
    with Engine(index) as engine:
        hits = {h.doc_id: h for h in engine.search("Yeutter tariffs", per_doc=0).hits}
    assert hits["b"].matched_in == {"Yeutter": ["text"], "tariffs": ["text"]}
    assert hits["a"].matched_in == {"Yeutter": ["text"], "tariffs": ["title"]}


def test_partial_matches_come_after_borrowed_ones(index):
    # Three words: filled with partial matches, which rank below both tiers.
    with Engine(index) as engine:
        result = engine.search("Yeutter tariffs delegation", per_doc=0)
    order = [h.doc_id for h in result.hits]
    assert order[:2] == ["b", "a"]
    assert all(h.missing for h in result.hits[2:]) and len(order) > 2
    assert result.hits[1].matched_in["tariffs"] == ["title"]
    assert result.hits[-1].matched_in["delegation"] == []


def test_json_plain_and_explain_mark_the_borrowed_word(index):
    out = run_cli("--index", str(index), "--json", "--per-doc", "0", "Yeutter tariffs")
    hits = [json.loads(line) for line in out.stdout.splitlines()][:-1]
    assert hits[1]["matched_in"] == {"Yeutter": ["text"], "tariffs": ["title"]}
    plain = run_cli("--index", str(index), "--per-doc", "0", "Yeutter tariffs")
    second = plain.stdout.split("\n\n")[1]
    assert "tariffs (title)" in second
    assert "(title)" not in plain.stdout.split("\n\n")[0]
    explained = run_cli("--index", str(index), "--explain", "--per-doc", "0", "Yeutter tariffs")
    lines = explained.stdout.split("\n\n")[1].splitlines()
    assert any("tariffs" in line and "% (title)" in line for line in lines), lines


def test_a_made_up_title_is_not_where_a_word_matched(tmp_path):
    # No title: the hit is shown with its first words, which are not indexed as a title.
    index = index_records([{"id": "x", "text": "Yeutter spoke on tariffs today."}], tmp_path)
    with Engine(index) as engine:
        (hit,) = engine.search("tariffs").hits
    assert hit.matched_in == {"tariffs": ["text"]}


def test_the_terminal_app_marks_the_borrowed_word(index):
    from search.tui.app import SearchApp
    from search.tui.widgets.results import ResultList

    async def scenario():
        app = SearchApp(index_option=str(index))
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await pilot.press(*"Yeutter tariffs")
            await settle(pilot)
            results = app.screen.query_one(ResultList)
            prompts = [str(results.get_option(str(i)).prompt) for i in (0, 1)]
            assert "(title)" not in prompts[0]
            assert "tariffs (title)" in prompts[1]

    run(scenario)


def test_count_counts_every_word_in_the_paragraph_or_its_title_as_the_readme_says(index):
    # README: -c counts paragraphs with every word, a word in the title counting;
    # text: keeps to the paragraph's own words.
    assert run_cli("--index", str(index), "-c", "Yeutter tariffs").stdout.strip() == "2"
    both_said = run_cli("--index", str(index), "-c", "text:Yeutter text:tariffs")
    assert both_said.stdout.strip() == "1"
