"""What the one-shot's orderings cost beside the plain ranking, on BBC + Reuters (M).

- plain: `Engine.search` ranked by score, every paragraph (the library's default);
- copies aside: the same with copies set aside (`dedupe=True`, what `search` and
  the TUI do: a paragraph whose text one above it has is listed as its copy, which
  reads the stored text of the matches walked, up to 100 past the page);
- newest: `--sort newest` (search/sorting.py: stored dates for a few thousand
  matches, the date field's terms for more), copies aside;
- context 3: `-C 3`, each hit with the 3 paragraphs before and after it, copies aside.

Each is `Engine.search` with 10 hits (`--limit`), 3 per document, highlighted, timed per query,
interleaved: warm (one open searcher, as in the TUI) and fresh (a new Engine per
search, as each one-shot `search` opens one; the interpreter's start is not in it).
Medians, and the matches per query. The index is built once into a cache folder.

    python bench/options_latency.py [--rounds 5] [--limit 10] [--rebuild]

SEARCH_BENCH_CACHE overrides the cache folder; SEARCH_CORPORA the corpora folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpora import CORPORA  # noqa: E402

SOURCES = ["bbc_news/bbc_news.jsonl", "reuters21578/reuters21578.jsonl.gz"]
QUERIES = ["ceasefire", "oil prices", "interest rates", "election", "dollar yen", "said"]
VARIANTS: dict[str, dict] = {
    "plain": {},
    "copies aside": {"dedupe": True},
    "newest": {"dedupe": True, "sort": "newest"},
    "context 3": {"dedupe": True, "context": 3},
}


def build(cache: Path, rebuild: bool) -> Path:
    from index.indexer import index_paths
    from index.whoosh.storage import index_exists

    index_dir = cache / "sort-M"
    if rebuild and index_dir.exists():
        shutil.rmtree(index_dir)
    if not index_exists(index_dir):
        started = time.perf_counter()
        index_paths([CORPORA / s for s in SOURCES], index_dir)
        print(f"built {index_dir} in {time.perf_counter() - started:.0f} s", flush=True)
    return index_dir


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--limit", type=int, default=10, help="hits per search")
    p.add_argument("--rebuild", action="store_true")
    args = p.parse_args(argv)
    cache = Path(os.environ.get("SEARCH_BENCH_CACHE", "/tmp/archive-search-bench"))
    index_dir = build(cache, args.rebuild)

    from search.engine import Engine

    times: dict[tuple[str, str, str], list[float]] = {}
    totals: dict[str, int] = {}

    def timed(engine: Engine, q: str, variant: str, how: str) -> None:
        engine.time_limit = None  # measure all of it, not the 1 s cut
        started = time.perf_counter()
        result = engine.search(q, args.limit, per_doc=3, **VARIANTS[variant])
        times.setdefault((q, variant, how), []).append(time.perf_counter() - started)
        totals[q] = result.total

    with Engine(index_dir) as engine:
        for q in QUERIES:  # warm up: postings and stored fields in the page cache
            engine.search(q, per_doc=3, sort="newest", dedupe=True)
        for _ in range(args.rounds):
            for q in QUERIES:
                for variant in VARIANTS:
                    timed(engine, q, variant, "warm")
                    with Engine(index_dir) as fresh:
                        timed(fresh, q, variant, "fresh")
    names = [f"{how}: {variant}" for how in ("warm", "fresh") for variant in VARIANTS]
    print(f"({args.rounds} rounds, {args.limit} hits; ms, median)")
    print("| query | matches | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for q in QUERIES:
        cells = [
            f"{statistics.median(times[(q, variant, how)]) * 1000:.1f}"
            for how in ("warm", "fresh")
            for variant in VARIANTS
        ]
        print(f"| {q} | {totals[q]:,} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
