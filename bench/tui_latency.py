"""Keystroke-to-results latency of the terminal app, through Textual's pilot.

Types each query into the real app (headless, 120x40) on a BBC + Reuters index and
times from sending the last keystroke until the result list and status line show
that query's hits (this includes the debounce, which adapts to the engine's pace:
search.tui.screens.search.debounce_after). The
same run measures `Engine.search` alone on the same queries as the baseline (the
figure to beat: results on screen at most 100 ms after the engine's own time), and
how long each keystroke takes to be handled while searches run (typing must never
freeze). The index is built once into a cache folder and reused.

    python bench/tui_latency.py [--rounds 3] [--rebuild]

SEARCH_BENCH_CACHE overrides the cache folder; SEARCH_CORPORA the corpora folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from index.indexer import index_paths  # noqa: E402
from index.whoosh.storage import index_exists  # noqa: E402
from search.engine import Engine  # noqa: E402
from search.tui.app import SearchApp  # noqa: E402
from search.tui.screens.search import DEBOUNCE_SECONDS, SearchScreen  # noqa: E402
from search.tui.widgets.query_input import QueryInput  # noqa: E402

CORPORA = Path(os.environ.get("SEARCH_CORPORA", REPO.parent / "shared" / "corpora"))
if not CORPORA.exists():  # a worktree sits one level deeper than a checkout
    CORPORA = Path("/work/shared/corpora")
SOURCES = [
    CORPORA / "bbc_news" / "bbc_news.jsonl",
    CORPORA / "reuters21578" / "reuters21578.jsonl.gz",
]
QUERIES = [
    "ceasefire",
    "oil prices",
    "interest rates",
    "tony blair",
    "world cup",
    "trade deficit",
    "shares rose",
    "election",
    '"last year"',  # a phrase of two common words: the slow kind
    '"per cent"',
    "dollar yen",
    "gold mine",
    "bank of england",
    "film award",
]
LIMIT = 50


def cache_dir() -> Path:
    env = os.environ.get("SEARCH_BENCH_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path("archive-search", appauthor=False) / "bench-bbc-reuters"


def ensure_bench_index(rebuild: bool) -> Path:
    target = cache_dir()
    missing = [s for s in SOURCES if not s.exists()]
    if missing:
        sys.exit(f"tui_latency: corpus not found: {missing[0]} (set SEARCH_CORPORA)")
    if rebuild or not index_exists(target):
        print(f"building the bench index in {target} (once; a few minutes) …", flush=True)
        started = time.perf_counter()
        index_paths(SOURCES, target, rebuild=rebuild)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return target


class TimedScreen(SearchScreen):
    """The real search screen, noting when each search's results are applied."""

    def __init__(self) -> None:
        super().__init__()
        self.applied: dict[str, float] = {}

    def _show_status(self) -> None:
        # Called last when a search's results are applied (stale ones never get here).
        super()._show_status()
        if self.outcome is not None:
            self.applied[self.outcome.query] = time.perf_counter()


class TimedApp(SearchApp):
    def main_screen(self) -> SearchScreen:
        return TimedScreen()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def warm_up(index_dir: Path) -> None:
    """One unmeasured pass, so neither measurement pays for a cold page cache."""
    with Engine(index_dir) as engine:
        for q in QUERIES:
            engine.search(q, limit=LIMIT)


def baseline(index_dir: Path, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {q: [] for q in QUERIES}
    with Engine(index_dir) as engine:
        engine.search("warm up", limit=LIMIT)
        for _ in range(rounds):
            for q in QUERIES:
                started = time.perf_counter()
                engine.search(q, limit=LIMIT)
                times[q].append((time.perf_counter() - started) * 1000)
    return times


async def watch_loop(stalls: list[float], stop: asyncio.Event) -> None:
    """How late the UI's event loop wakes up: a blocked loop would freeze typing."""
    tick = 0.005
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(tick)
        stalls.append((time.perf_counter() - started - tick) * 1000)


async def through_pilot(
    index_dir: Path, rounds: int
) -> tuple[list[float], list[float], list[float]]:
    app = TimedApp(index_option=str(index_dir), history_path=None)
    results_ms: dict[str, list[float]] = {q: [] for q in QUERIES}
    key_ms: list[float] = []
    stalls: list[float] = []
    stop = asyncio.Event()
    async with app.run_test(size=(120, 40)) as pilot:
        while app.library is None:
            await pilot.pause(0.05)
        screen = app.screen
        assert isinstance(screen, TimedScreen)
        box = screen.query_one(QueryInput)
        await pilot.press(*"warm")
        await pilot.pause(0.5)
        watcher = asyncio.create_task(watch_loop(stalls, stop))
        for _ in range(rounds):
            for q in QUERIES:
                box.focus()
                await pilot.press("ctrl+u")
                await pilot.pause(DEBOUNCE_SECONDS + 0.1)
                screen.applied.pop(q, None)
                for ch in q:
                    typed = time.perf_counter()  # the last one starts the clock
                    await pilot.press(ch)
                    key_ms.append((time.perf_counter() - typed) * 1000)
                deadline = typed + 30
                while q not in screen.applied:
                    if time.perf_counter() > deadline or app._exit_renderables:
                        outcome = screen.outcome
                        raise SystemExit(
                            f"tui_latency: no results for {q!r} after 30 s "
                            f"(box: {box.value!r}, "
                            f"last outcome: {outcome.query if outcome else None!r})"
                        )
                    await asyncio.sleep(0.001)
                results_ms[q].append((screen.applied[q] - typed) * 1000)
        stop.set()
        await watcher
    return results_ms, key_ms, stalls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    index_dir = ensure_bench_index(args.rebuild)
    with Engine(index_dir) as engine:
        paragraphs = engine.paragraph_count()
    warm_up(index_dir)
    base = baseline(index_dir, args.rounds)
    results, keys, stalls = asyncio.run(through_pilot(index_dir, args.rounds))
    print(f"index: {index_dir} ({paragraphs:,} paragraphs)")
    print(
        f"{len(QUERIES)} queries x {args.rounds} rounds, limit {LIMIT}, "
        f"debounce adaptive (at most {DEBOUNCE_SECONDS * 1000:.0f} ms)"
    )
    print(f"{'':44}{'median':>10}{'p95':>10}")
    # Beyond the engine: each query's time on screen less its own Engine.search median.
    beyond = [r - statistics.median(base[q]) for q in QUERIES for r in results[q]]
    rows = [
        ("Engine.search alone (baseline)", [t for q in QUERIES for t in base[q]]),
        ("keystroke -> results shown (pilot)", [r for q in QUERIES for r in results[q]]),
        ("  the same less that query's engine time", beyond),
        ("pilot.press round trip, per key", keys),
        ("UI loop wake-up delay while searching", stalls),
    ]
    for label, values in rows:
        print(f"{label:44}{statistics.median(values):>8.1f}ms{pct(values, 0.95):>8.1f}ms")
    print(f"longest UI loop stall: {max(stalls):.1f} ms (over {len(stalls)} wake-ups)")


if __name__ == "__main__":
    main()
