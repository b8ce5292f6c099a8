"""The small ones of issue 16: skipped records, `a|b`, `path:` components, the case of
a respelling, `--version` (each on a fixture of its own)."""

from __future__ import annotations

import json

import pytest

from search.engine import Engine
from tests.conftest import index_records, run_cli

SUMMIT = [
    {"id": f"s{i}", "title": f"Summit day {i}", "text": text}
    for i, text in enumerate(
        [
            "Reagan and Gorbachev met at the summit in Reykjavik.",
            "The summit ended as Reagan left Reykjavik.",
            "Gorbachev spoke of the summit to reporters.",
            "Oil prices fell on the news from the summit; gas was steady.",
            "Gas supplies from the east were not discussed.",
        ]
    )
]


@pytest.fixture
def summit(tmp_path):
    return index_records(SUMMIT, tmp_path, name="bbc_news.jsonl")


def test_records_with_no_title_and_no_text_are_counted_and_listed_as_skipped(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    records = [
        {"id": "1", "title": "Oil", "text": "Oil prices rose."},
        {"id": "2", "title": "", "text": ""},
        {"id": "3", "body": "   "},
    ]
    (folder / "wire.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (folder / "list.json").write_text(json.dumps([records[0] | {"id": "4"}, {"id": "5"}]))
    done = run_cli("index", str(folder), "--index", str(tmp_path / "ix"))
    assert done.returncode == 0, done.stderr
    assert "3 skipped" in done.stderr
    assert "wire.jsonl line 2: a record with no title and no text" in done.stderr
    assert "wire.jsonl line 3" in done.stderr and "list.json item 2" in done.stderr


def test_a_pipe_between_words_is_an_or_and_says_so(summit):
    done = run_cli("--index", str(summit), "-c", "oil|gas")
    assert done.stdout.strip() == "2"  # oil OR gas, not the phrase "oil gas"
    assert "'|' as OR" in done.stderr
    with Engine(summit) as engine:
        assert engine.search("oil||gas").total == engine.search("oil OR gas").total == 2
        assert engine.search('"oil|gas"').total == 0  # in quotes: a phrase still


@pytest.mark.parametrize("value", ["bbc_news", "BBC_NEWS", "bbc_news.jsonl"])
def test_path_matches_a_file_or_folder_name(summit, value):
    with Engine(summit) as engine:
        assert engine.search(f"summit path:{value}").total == 5
        assert engine.search("summit path:bbc*").total == 5
        assert engine.search("summit path:bbc").total == 0  # a name, not any piece of one


def test_path_component_rule():
    from search.query.path_parts import has_component

    assert has_component("reports/2024/harbour.md", "2024")
    assert has_component("reports/2024/harbour.md", "reports/2024")
    assert has_component("reports/2024/harbour.md", "harbour")
    assert not has_component("reports/2024/harbour.md", "port")
    assert not has_component("reports/2024/harbour.md", "ports/2024")


def test_did_you_mean_writes_a_respelling_in_the_case_typed(summit):
    with Engine(summit) as engine:
        assert engine.did_you_mean("gorbachev Reagen summit") == "gorbachev Reagan summit"
        assert engine.did_you_mean("Gorbachev Reagen Summit") == "Gorbachev Reagan Summit"


def test_version():
    done = run_cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("search (archive-search) ")
    assert done.stdout.split()[-1][0].isdigit()
