"""`-c` and `-l` within the time limit, and filters counted from the postings
(search.whoosh.counting), on a small generated archive."""

from __future__ import annotations

import json

import pytest
from whoosh import query as wq

from search.engine import Engine
from search.whoosh import counting
from tests.conftest import run_cli


def _records(n: int, tag: str = "") -> list[dict]:
    return [
        {
            "id": f"{tag}{i}",
            "title": f"Report {i}",
            "text": ("Oil prices rose. " if i % 3 == 0 else "Wheat harvest news. ")
            + f"Item {i} of the series.",
            "date": f"1987-{1 + i % 12:02d}-01",
            "lang": "de" if i % 10 == 0 else "en",
        }
        for i in range(n)
    ]


@pytest.fixture
def archive(tmp_path):
    """Two files, one indexed twice (so a segment holds deleted paragraphs)."""
    from index.indexer import index_paths

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.jsonl").write_text("\n".join(json.dumps(r) for r in _records(300)) + "\n")
    (folder / "b.jsonl").write_text("\n".join(json.dumps(r) for r in _records(90, "b")) + "\n")
    index_dir = tmp_path / "index"
    index_paths([folder], index_dir)
    # Change b.jsonl: its old paragraphs are deleted, its new ones added.
    (folder / "b.jsonl").write_text("\n".join(json.dumps(r) for r in _records(60, "b")) + "\n")
    index_paths([folder], index_dir)
    return index_dir


FILTERS = ["lang:de", "format:jsonl", "date:>1987-10", "NOT oil", "-oil", "oil", "oil wheat"]


@pytest.mark.parametrize("text", FILTERS)
def test_counts_and_lists_agree_with_the_search(archive, text):
    with Engine(archive) as engine:
        engine.time_limit = None
        ranked = engine.rank(text, None, partial=False)
        total, _, partial = engine.count_matches(text)
        paths, _, listed_partial = engine.matching_paths(text)
    assert (total, partial) == (ranked.total, False)
    assert ranked.total > 0
    assert not listed_partial
    assert sorted(paths) == sorted({f["path"] for _, _, f, _ in ranked.rows})


def test_filters_alone_are_counted_from_the_postings(archive):
    # A segment without deletions answers from its document frequencies.
    with Engine(archive) as engine:
        clean = [
            s.reader()
            for s, _ in engine.backend.searcher.subsearchers or [(engine.backend.searcher, 0)]
        ]
        clean = [r for r in clean if not r.has_deletions()]
        assert clean, "the re-indexed file should leave one segment without deletions"
        for text in ("lang:de", "format:jsonl", "NOT oil", "oil"):
            q = engine.plan(text).query
            assert all(counting.from_postings(r, q) is not None for r in clean), text
        # ... and a segment with deletions is walked: its frequencies count the dead.
        dirty = [r for r in engine.backend.searcher.reader().leaf_readers() if r[0].has_deletions()]
        assert dirty
        for reader, _ in dirty:
            assert counting.from_postings(reader, wq.Term("lang", "de")) is None


def test_count_and_list_stopped_at_the_limit_say_so_and_exit_as_a_stopped_search(archive):
    for flag, what in (("-c", "the figure is partial"), ("-l", "the list is partial")):
        done = run_cli("--index", str(archive), flag, "--time-limit", "0.000001", "NOT oil")
        assert done.returncode == 2, done
        assert what in done.stderr and "unknown" in done.stderr
        assert done.stdout == ""


def test_a_count_cut_short_keeps_what_it_counted(archive):
    with Engine(archive) as engine:
        q = engine.plan("NOT oil").query
        total, cut = counting.count(engine.backend.searcher, wq.And([q, wq.Every()]), deadline=0.0)
    assert cut and total == 0  # the first look at the clock stops it


def test_time_limit_zero_gives_exact_figures(archive):
    exact = run_cli("--index", str(archive), "-c", "--time-limit", "0", "NOT oil")
    with Engine(archive) as engine:
        engine.time_limit = None
        truth = engine.search("NOT oil", limit=1).total
    assert (exact.returncode, exact.stdout.strip(), exact.stderr) == (0, str(truth), "")


def test_the_time_limit_notice_names_what_was_slow(archive):
    done = run_cli("--index", str(archive), "--time-limit", "0.000001", "NOT oil")
    assert "NOT oil" in done.stderr and "wildcard" not in done.stderr
    pattern = run_cli("--index", str(archive), "-c", "--time-limit", "0.000001", "*e*")
    assert "*e* (a wildcard" in pattern.stderr
