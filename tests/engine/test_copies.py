"""A paragraph whose text another hit already has (wire copies, boilerplate) is shown
once, with where else it is; `--all-copies` shows each."""

from __future__ import annotations

import json

import pytest
from conftest import index_records

from search.cli.main import main
from search.engine import Engine

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py

SAME = "Fighting resumed despite the ceasefire, officials said."
RECORDS = [
    {"id": "a", "title": "Morning wire", "text": f"{SAME}\n\nThe ceasefire talks go on."},
    {"id": "b", "title": "Noon wire", "text": f"Markets were calm.\n\n{SAME}"},
    # the same words, other spacing and capitals: still the same text
    {"id": "c", "title": "Evening wire", "text": SAME.upper().replace(" ", "  ")},
    {"id": "d", "title": "Analysis", "text": "Why the ceasefire failed, in four parts."},
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    return index_records(RECORDS, tmp_path_factory.mktemp("copies"), "wire.jsonl")


def texts(hits) -> list[str]:
    return [h.text for h in hits]


def test_a_copied_paragraph_is_shown_once_with_its_copies(ix):
    with Engine(ix) as engine:
        hits = engine.search("ceasefire", suggest=False, dedupe=True).hits
        same = [h for h in hits if h.text.casefold().split() == SAME.casefold().split()]
        assert len(same) == 1
        (shown,) = same
        assert sorted(c["doc_id"] for c in shown.copies) == sorted({"a", "b", "c"} - {shown.doc_id})
        assert len(hits) == 3  # the copy, the talks paragraph, the analysis
        every = engine.search("ceasefire", suggest=False).hits
        assert len(every) == 5 and all(h.copies == [] for h in every)


def test_copies_do_not_take_places_on_the_page(ix):
    with Engine(ix) as engine:
        # The three copies rank first; the second place goes to the next paragraph.
        query = "(fighting resumed officials) OR markets"
        hits = engine.search(query, limit=2, suggest=False, dedupe=True).hits
        assert [h.text for h in hits][1] == "Markets were calm."
        assert len(hits[0].copies) == 2
        every = engine.search(query, limit=2, suggest=False).hits
        assert [h.text for h in every] == [SAME, SAME]


def test_counts_and_the_harness_see_every_paragraph(ix, capsys):
    assert main(["--index", str(ix), "-c", "ceasefire"]) == 0
    assert capsys.readouterr().out.strip() == "5"
    with Engine(ix) as engine:  # Engine.rank, as bench/relevance.py ranks documents
        assert len(engine.rank("ceasefire", 10).rows) == 5


def test_cli_names_the_copies_and_all_copies_shows_them(ix, capsys):
    assert main(["--index", str(ix), "--color", "never", "ceasefire"]) == 0
    out = capsys.readouterr().out
    assert out.count("same text also in wire.jsonl › ") == 1
    assert main(["--index", str(ix), "--color", "never", "--all-copies", "ceasefire"]) == 0
    assert "same text also in" not in capsys.readouterr().out
    assert main(["--index", str(ix), "--json", "ceasefire"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    copies = [r["copies"] for r in rows if r["type"] == "hit" and "copies" in r]
    assert len(copies) == 1 and len(copies[0]) == 2
    assert set(copies[0][0]) == {"path", "doc_id", "paragraph"}
