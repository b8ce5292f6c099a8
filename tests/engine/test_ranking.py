"""Ranking: Lucene's BM25, partial matches after full ones, collapsing, explain."""

from __future__ import annotations

import json
from math import log

import pytest
from conftest import index_records

from index.fields import WRITTEN_WEIGHT
from search.engine import Engine
from search.whoosh.scoring import PLAIN, TIERED, LuceneBM25, lucene_idf

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py

# "common" is in every paragraph, "rare" in one: Whoosh's stock idf gives "common"
# log(N/(N+1)) + 1 ~ 1, Lucene's gives it almost nothing.
RECORDS = [
    {"id": "one", "title": "First", "text": "common rare apple.\n\ncommon apple apple."},
    {"id": "two", "title": "Second", "text": "common banana.\n\ncommon banana cherry."},
    {"id": "three", "title": "Third", "text": "common cherry apple banana"},
    {"id": "four", "title": "Apple notes", "text": "common words only here"},
    {
        "id": "long",
        "title": "Long",
        "text": "\n\n".join(f"common apple paragraph {i}." for i in range(6)),
    },
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return index_records(RECORDS, tmp_path_factory.mktemp("ranking"))


@pytest.fixture(scope="module")
def engine(index_dir):
    with Engine(index_dir) as engine:
        yield engine


def test_lucene_idf_formula():
    assert lucene_idf(100, 1) == pytest.approx(log(1 + 99.5 / 1.5))
    assert 0 < lucene_idf(100, 100) < 0.01  # a word in every paragraph says almost nothing


def test_engine_scores_with_lucene_bm25(engine):
    searcher = engine.backend.searcher
    assert isinstance(searcher.weighting, LuceneBM25)
    hit = engine.search("rare", limit=1, suggest=False).hits[0]
    n = searcher.doc_count_all()
    idf = lucene_idf(n, 1)
    k1, b = searcher.weighting.k1, searcher.weighting.b

    def bm25(field: str) -> float:
        length = searcher.doc_field_length(hit.docnum, field)
        avg = searcher.avg_field_length(field)
        return idf * (k1 + 1) / (1 + k1 * (1 - b + b * length / avg))

    # The stem's score, and that of the word as written (index.whoosh.schema's `exact`).
    expected = bm25("text") + WRITTEN_WEIGHT * bm25("exact")
    assert hit.score == pytest.approx(expected, rel=1e-6)


def test_common_word_barely_counts(engine):
    shares = engine.search("common rare", limit=1, suggest=False, explain=True).hits[0].explain
    by_word = {s.word: s.score for s in shares}
    assert by_word["rare"] > 20 * by_word["common"]


def test_every_word_paragraphs_rank_first(engine):
    hits = engine.search("apple banana cherry", limit=20, suggest=False).hits
    assert (hits[0].doc_id, hits[0].missing) == ("three", [])
    assert all(h.missing for h in hits[1:])  # then the rest, by BM25
    assert [h.score for h in hits[1:]] == sorted((h.score for h in hits[1:]), reverse=True)
    assert len(hits) > 1


def test_tiered_strategy_ranks_more_words_first(index_dir):
    with Engine(index_dir, strategy=TIERED) as tier:
        hits = tier.search("apple banana cherry", limit=20, suggest=False).hits
    counts = [3 - len(h.missing) for h in hits]
    assert counts == sorted(counts, reverse=True)  # more of the words, earlier
    assert any(h.missing for h in hits)


def test_plain_strategy_ranks_by_bm25_alone(index_dir):
    with Engine(index_dir, strategy=PLAIN) as plain, Engine(index_dir, strategy=TIERED) as tier:
        query = "apple banana cherry"
        plain_scores = [h.score for h in plain.search(query, limit=20, suggest=False).hits]
        assert plain_scores == sorted(plain_scores, reverse=True)
        tiered = tier.search(query, limit=20, suggest=False).hits
        assert len(tiered) == len(plain_scores)


def test_per_doc_collapses_and_counts_the_rest(engine):
    hits = engine.search("apple paragraph", limit=10, per_doc=2, suggest=False).hits
    long_hits = [h for h in hits if h.doc_id == "long"]
    assert len(long_hits) == 2
    # Only the last paragraph shown of the document says how many more it has.
    assert [h.more_in_doc for h in long_hits] == [0, 4]
    unlimited = engine.search("apple paragraph", limit=10, per_doc=0, suggest=False).hits
    assert sum(h.doc_id == "long" for h in unlimited) == 6


def test_per_doc_total_counts_every_match(engine):
    collapsed = engine.search("apple", limit=3, per_doc=1, suggest=False)
    full = engine.search("apple", limit=3, per_doc=0, suggest=False)
    assert collapsed.total == full.total
    assert len({h.doc_id for h in collapsed.hits}) == len(collapsed.hits)


def test_explain_shares_add_up(engine):
    hits = engine.search("apple banana", limit=10, suggest=False, explain=True, partial=True).hits
    for hit in hits:
        total = sum(s.score for s in hit.explain)
        assert sum(s.share(total) for s in hit.explain) == pytest.approx(1.0)
        assert [s.word for s in hit.explain if not s.matched] == hit.missing
    assert any(hit.missing for hit in hits)


def test_cli_explain_and_per_doc(index_dir, cli):
    out = cli(
        "--index", str(index_dir), "--color", "never", "--explain", "--fill", "apple", "banana"
    )
    assert out.returncode == 0, out.stderr
    assert "apple " in out.stdout and "% · banana " in out.stdout
    assert "missing: banana" in out.stdout or "missing: apple" in out.stdout
    out = cli("--index", str(index_dir), "--color", "never", "paragraph", "apple")
    assert "+3 more in this document" in out.stdout  # default: 3 per document
    assert out.stdout.count("more in this document") == 1  # once, under its last hit
    hits = out.stdout.split("\n\n")
    last_long = max(i for i, h in enumerate(hits) if "Long" in h)
    assert "+3 more in this document" in hits[last_long]
    out = cli("--index", str(index_dir), "--color", "never", "--per-doc", "0", "paragraph")
    assert out.stdout.count("Long") == 6 and "more in this document" not in out.stdout
    out = cli("--index", str(index_dir), "--per-doc", "-1", "apple")
    assert out.returncode == 2 and "--per-doc" in out.stderr


def test_cli_did_you_mean(index_dir, cli):
    out = cli("--index", str(index_dir), "banan")
    assert out.returncode == 1
    assert "did you mean: banana" in out.stderr
    out = cli("--index", str(index_dir), "--json", "banan")
    summary = json.loads(out.stdout.splitlines()[-1])
    assert summary["suggestion"] == "banana"


def test_cli_json_explain(index_dir, cli):
    out = cli("--index", str(index_dir), "--json", "--explain", "apple", "rare")
    first = json.loads(out.stdout.splitlines()[0])
    assert first["missing"] == []
    assert {e["word"] for e in first["explain"]} == {"apple", "rare"}
    assert sum(e["share"] for e in first["explain"]) == pytest.approx(1.0, abs=1e-3)


def test_count_keeps_to_every_word_matches(index_dir, cli):
    both = cli("--index", str(index_dir), "-c", "apple", "banana")
    assert both.stdout.strip() == "1"  # only "three" has both words
    either = cli("--index", str(index_dir), "-c", "apple", "OR", "banana")
    assert int(either.stdout) > 1
