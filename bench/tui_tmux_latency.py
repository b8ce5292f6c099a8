"""Keystroke-to-results latency of the terminal app in a real terminal (tmux).

Starts `search tui --index DIR` in a detached tmux session (120x40, its own tmux
server), types each query a key at a time (KEY_GAP apart, a quick typist), and
times from the moment tmux has taken the last key until the pane shows that
query's status line ("N paragraphs match … · E ms", written after the result
list). E is the engine's own time for that search, so each figure is also given
less it: the time the app adds beyond the engine (the target: at most 100 ms,
median). The pane is read with `tmux capture-pane` every few milliseconds, so
figures are good to about that.

    python bench/tui_tmux_latency.py --index DIR [--rounds 3] [--key-gap 0.06]

Needs tmux. DIR: any index, e.g. bench/run.py's M index.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.tui_latency import QUERIES, pct  # noqa: E402

SOCKET = "archive-search-bench"
SESSION = "tui"
ENGINE_MS = re.compile(r"paragraphs? match[^\n]*?· (\d+) ms")


def tmux(*args: str) -> str:
    out = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True)
    return out.stdout


def pane() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def wait_for(test, what: str, timeout: float = 60.0) -> tuple[float, str]:
    """Poll the pane until `test(text)`; (the moment it did, the text)."""
    deadline = time.perf_counter() + timeout
    while True:
        text = pane()
        if test(text):
            return time.perf_counter(), text
        if time.perf_counter() > deadline:
            raise SystemExit(f"tui_tmux_latency: no {what} after {timeout:.0f} s:\n{text}")
        time.sleep(0.002)


def expected_counts(index_dir: Path) -> dict[str, str]:
    """Each query's status text as the app will write it (limit 50, as the app)."""
    from search.engine import Engine

    with Engine(index_dir) as engine:
        out = {}
        for q in QUERIES:
            total = engine.search(q, limit=50, dedupe=True).total
            out[q] = f"{total:,} paragraph{'s' * (total != 1)} match"
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--key-gap", type=float, default=0.06, help="seconds between keys")
    args = parser.parse_args()
    if not shutil.which("tmux"):
        raise SystemExit("tui_tmux_latency: tmux is not installed")
    counts = expected_counts(args.index)
    script = Path(sys.executable).parent / "search"
    command = f"{script} tui --index {args.index}"
    tmux("kill-server")  # a session left by an interrupted run of this script
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", command)
    shown, engine, beyond = [], [], []
    try:
        wait_for(lambda t: "paragraphs" in t and "Type to search" in t, "app")
        for _ in range(args.rounds):
            for q in QUERIES:
                tmux("send-keys", "-t", SESSION, "C-u")
                wait_for(lambda t: "Type to search" in t, "cleared box")
                for ch in q:
                    time.sleep(args.key_gap)
                    tmux("send-keys", "-t", SESSION, "-l", ch)
                typed = time.perf_counter()  # tmux has written the last key to the app
                want = counts[q]
                at, text = wait_for(lambda t, w=want: w in t and ENGINE_MS.search(t), q)
                ms = (at - typed) * 1000
                engine_ms = float(ENGINE_MS.search(text).group(1))
                shown.append(ms)
                engine.append(engine_ms)
                beyond.append(ms - engine_ms)
    finally:
        tmux("kill-server")
    print(f"tmux 120x40, `{command}`")
    gap = args.key_gap * 1000
    print(f"{len(QUERIES)} queries x {args.rounds} rounds, a key every {gap:.0f} ms")
    print(f"{'':44}{'median':>10}{'p95':>10}")
    for label, values in (
        ("last key -> results on screen (tmux)", shown),
        ("the engine's own time (status line)", engine),
        ("  on screen beyond the engine", beyond),
    ):
        print(f"{label:44}{statistics.median(values):>8.1f}ms{pct(values, 0.95):>8.1f}ms")


if __name__ == "__main__":
    main()
