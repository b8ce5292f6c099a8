"""`--sort newest|oldest`: matching paragraphs in date order instead of by score."""

from __future__ import annotations

import json

import pytest
from conftest import index_records

from search.cli.main import main
from search.engine import Engine

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py

RECORDS = [
    {
        "id": "march",
        "date": "2024-03-01",
        "text": "The ceasefire talks resume.\n\nA second ceasefire paragraph.",
    },
    {"id": "november", "date": "2023-11-10", "text": "A ceasefire is declared."},
    {"id": "january", "date": "2024-01-15", "text": "The ceasefire ceasefire ceasefire broke."},
    {"id": "undated", "text": "A history of the ceasefire."},
    {"id": "unrelated", "date": "2025-01-01", "text": "Nothing to see."},
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    return index_records(RECORDS, tmp_path_factory.mktemp("sorting"), "wire.jsonl")


def order(ix, **kwargs) -> list[tuple[str, int]]:
    with Engine(ix) as engine:
        hits = engine.search("ceasefire", suggest=False, **kwargs).hits
    return [(h.doc_id, h.paragraph) for h in hits]


@pytest.fixture(params=["stored dates", "date terms"])
def way(request, monkeypatch):
    """Both ways search.whoosh.date_order finds the order: stored dates (few matches) and the
    date field's terms (many; forced here by lowering the threshold)."""
    if request.param == "date terms":
        monkeypatch.setattr("search.whoosh.date_order.STORED_DATES_UP_TO", 0)
    return request.param


def test_newest_and_oldest_first_with_undated_last(ix, way):
    assert order(ix, sort="newest") == [
        ("march", 1),
        ("march", 2),
        ("january", 1),
        ("november", 1),
        ("undated", 1),
    ]
    assert order(ix, sort="oldest") == [
        ("november", 1),
        ("january", 1),
        ("march", 1),
        ("march", 2),
        ("undated", 1),
    ]
    # by score, January's thrice-said word comes first
    assert order(ix)[0] == ("january", 1)


def test_sorted_results_collapse_per_document_and_stop_at_the_limit(ix, way):
    with Engine(ix) as engine:
        hits = engine.search("ceasefire", suggest=False, sort="newest", per_doc=1).hits
        assert [(h.doc_id, h.more_in_doc) for h in hits][:2] == [("march", 1), ("january", 0)]
    assert order(ix, sort="oldest", limit=2) == [("november", 1), ("january", 1)]


def test_cli_sort_option(ix, capsys):
    assert main(["--index", str(ix), "--json", "--sort", "newest", "ceasefire"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    dates = [r["date"] for r in rows if r["type"] == "hit"]
    assert dates == sorted(dates[:-1], reverse=True) + [None]
    with pytest.raises(SystemExit) as exited:  # argparse's exit, with our one-line message
        main(["--index", str(ix), "--sort", "sideways", "ceasefire"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and len(err.strip().splitlines()) == 1 and "--sort" in err


def test_undated_results_say_so(tmp_path):
    ix = index_records([{"id": "x", "text": "A ceasefire."}], tmp_path, "undated.jsonl")
    with Engine(ix) as engine:
        result = engine.search("ceasefire", suggest=False, sort="newest")
        assert [h.doc_id for h in result.hits] == ["x"]
        assert any("has a date" in n for n in result.notices)
        assert not engine.search("ceasefire", suggest=False).notices
