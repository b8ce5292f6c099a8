"""`bench/run.py all --quick` keeps working (figures are not asserted, only sanity)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import CORPORA, REPO, corpus


def test_quick_benchmark_runs_every_figure(tmp_path):
    corpus("bbc_news")
    out = tmp_path / "figures.json"
    env = dict(os.environ, SEARCH_CORPORA=str(CORPORA), BENCH_CACHE=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "all", "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(out.read_text())
    rows = figures["index"]["rows"]
    assert set(rows) == {"ours p1", "ours p2", "raw p1", "raw p2", "fts5 p1"}
    # Every engine indexed exactly the same paragraphs.
    assert len({row["paragraphs"] for row in rows.values()}) == 1
    assert all(row["peak_tree_rss_mb"] > 0 and row["index_mb"] > 0 for row in rows.values())
    assert figures["index"]["ratios"]["p2"] > 0
    summary = figures["query"]["summary"]
    assert all(summary[e]["p95"] >= summary[e]["p50"] > 0 for e in ("ours", "raw", "fts5"))
    assert set(figures["cold"]["rows"]) == {"python -c pass", "ours", "raw", "fts5"}
    assert all("partial" in row for row in figures["guard"].values())
    assert "ratio ours/raw" in proc.stdout
