"""Fields and filters over an index of one file per format, through the real CLI."""

from __future__ import annotations

import json

import archive_fixtures as af
import pytest

from index.indexer import index_paths


@pytest.fixture(scope="module")
def archive_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    af.make_all(folder)
    (folder / "undated.txt").write_text("Undated memo\n\nThe harbour crane needs new cables.\n")
    index_dir = tmp_path_factory.mktemp("index")
    report = index_paths([folder], index_dir)
    assert not report.errors, report.errors
    assert report.files_indexed == 9  # the undated file indexes too
    return index_dir


def paths_for(cli, index_dir, *query: str) -> set[str]:
    result = cli(*query, "--index", str(index_dir), "--json", "-n", "100")
    assert result.returncode in (0, 1), result.stderr
    lines = [json.loads(ln) for ln in result.stdout.splitlines() if ln.strip()]
    return {ln["path"] for ln in lines if "path" in ln}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("date:2024", {"flood.html", "dredging.eml", "board.mbox"}),
        ("date:[2024-01-01 TO 2024-03-05]", {"flood.html", "dredging.eml"}),
        ("date:2024-05", {"board.mbox"}),
        ("date:>2023", {"flood.html", "dredging.eml", "board.mbox"}),
        ("date:>=2023", {"flood.html", "dredging.eml", "board.mbox", "water.pdf", "bridge.md"}),
        ("date:<2022", {"records.json"}),
        ("harbour date:2024", {"flood.html", "dredging.eml"}),
        ("harbour", {"flood.html", "dredging.eml", "undated.txt"}),
    ],
)
def test_date_filters(archive_index, cli, query, expected):
    assert paths_for(cli, archive_index, query) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("author:jane", {"flood.html"}),
        ("source:courier", {"flood.html"}),
        ("tags:survey", {"bridge.md"}),
        ("format:docx", {"fisheries.docx"}),
        ("lang:de", {"records.json"}),
        ("page:2", {"water.pdf"}),
        ("title:fisheries", {"fisheries.docx"}),
        ("heading:prices", {"fisheries.docx"}),
        ("title:hafengebühren", {"records.json"}),
    ],
)
def test_metadata_fields(archive_index, cli, query, expected):
    assert paths_for(cli, archive_index, query) == expected


def test_pdf_hit_carries_its_page(archive_index):
    from search.engine import Engine

    with Engine(archive_index) as engine:
        (hit,) = engine.search("leakage").hits
    assert (hit.path, hit.page, hit.heading) == ("water.pdf", 2, "Pipe repairs")
    assert hit.text[slice(*hit.highlights[0])] == "leakage"
