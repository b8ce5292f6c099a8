"""What did-you-mean costs and offers, on BBC + Reuters (M), for typed typos.

Two ways, in one run: the stem's neighbours alone (the baseline: near index terms of
the typo's stem), and with the stems the typo's first letters begin
(search.spelling._stems_begun, the default), which finds `election` for `elecion`.
Per typo: the median ms of `Engine.did_you_mean` on a warm Engine, and what it offers.

    python bench/spelling_latency.py [--rounds 5]

The index is options_latency.py's (built once into SEARCH_BENCH_CACHE).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.options_latency import build  # noqa: E402

TYPOS = [
    "cesefire",
    "moscw",
    "econmy",
    "presidnet",
    "elecion",
    "govenrment",
    "oill prices",
    "inflaton rate",
    "ceasefire",  # spelled right: nothing to offer, the cheap case
]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args(argv)
    cache = Path(os.environ.get("SEARCH_BENCH_CACHE", "/tmp/archive-search-bench"))
    index_dir = build(cache, rebuild=False)

    from search import spelling
    from search.engine import Engine

    begun = spelling._stems_begun
    ways = {"stem neighbours only": lambda *a, **k: [], "with stems begun (default)": begun}
    times: dict[tuple[str, str], list[float]] = {}
    offers: dict[tuple[str, str], str | None] = {}
    with Engine(index_dir) as engine:
        for typo in TYPOS:  # warm up
            engine.did_you_mean(typo)
        for _ in range(args.rounds):
            for typo in TYPOS:
                for way, fn in ways.items():
                    spelling._stems_begun = fn
                    started = time.perf_counter()
                    offers[typo, way] = engine.did_you_mean(typo)
                    times.setdefault((typo, way), []).append(time.perf_counter() - started)
        spelling._stems_begun = begun
    print(f"({args.rounds} rounds; ms, median; what is offered)")
    print("| typed | " + " | ".join(ways) + " |")
    print("|---|" + "---|" * len(ways))
    for typo in TYPOS:
        cells = [
            f"{statistics.median(times[typo, way]) * 1000:.1f} → {offers[typo, way] or '–'}"
            for way in ways
        ]
        print(f"| {typo} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
