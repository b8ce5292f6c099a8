"""Fields and filters over an index of one file per format, through the real CLI."""

from __future__ import annotations

import json

import archive_fixtures as af
import pytest

from index.indexer import index_paths

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py


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


def test_page_and_paragraph_ranges_are_exact(tmp_path):
    """Whoosh's tiered numeric ranges over-match small ranges; ours must not."""
    from index.documents import Document, Paragraph
    from index.whoosh.storage import ParagraphWriter, create_index
    from search.engine import Engine

    index_dir = tmp_path / "index"
    ix = create_index(index_dir)
    writer = ParagraphWriter(ix, index_dir)
    paragraphs = [Paragraph(n, f"Harbour page {n}.", "", page=n) for n in range(1, 41)]
    writer.add_document(
        Document("long.pdf", "Long report", paragraphs), "r/long.pdf", "r", "long.pdf"
    )
    writer.commit()
    with Engine(index_dir) as engine:

        def pages(query: str) -> set[int]:
            return {h.page for h in engine.search(query, limit=None).hits}

        assert pages("harbour page:[2 TO 5]") == {2, 3, 4, 5}
        assert pages("harbour page:>36") == {37, 38, 39, 40}
        assert pages("harbour page:<=3") == {1, 2, 3}
        assert {h.paragraph for h in engine.search("harbour paragraph:[17 TO 18]").hits} == {17, 18}


def test_date_ranges_match_a_brute_force_check(tmp_path):
    """Day ranges typed as a person would, against the dates we stored."""
    import random
    from datetime import datetime, timedelta

    from index.documents import Document, Paragraph
    from index.whoosh.storage import ParagraphWriter, create_index
    from search.engine import Engine

    rng = random.Random(4)
    index_dir = tmp_path / "index"
    ix = create_index(index_dir)
    writer = ParagraphWriter(ix, index_dir)
    dates = {}
    for n in range(80):
        when = datetime(1987, 1, 1) + timedelta(minutes=rng.randrange(60 * 24 * 365 * 40))
        dates[f"d{n}"] = when
        doc = Document(f"d{n}", f"Dispatch {n}", [Paragraph(1, "A dispatch from the harbour.")])
        doc.date = when
        writer.add_document(doc, f"r/d{n}", "r", f"d{n}.txt")
    writer.commit()
    with Engine(index_dir) as engine:
        for _ in range(25):
            a, b = sorted(rng.sample(sorted(dates.values()), 2))
            query = f"harbour date:[{a:%Y-%m-%d} TO {b:%Y-%m-%d}]"
            got = {h.doc_id for h in engine.search(query, limit=None).hits}
            lo, hi = a.replace(hour=0, minute=0), b.replace(hour=23, minute=59, second=59)
            assert got == {k for k, v in dates.items() if lo <= v <= hi}, query
