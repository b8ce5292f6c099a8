"""Soak the fault-tolerance tests: many more SIGKILLs and fuzz cases than CI runs.

    python bench/soak.py [--kills-per-round N] [--fuzz-examples N] [--seed S]

Runs tests/test_crash.py (three rounds of N kills each), the concurrency tests and
the hypothesis fuzz tests with the larger counts, and prints the crash statistics
(trials, kills, kills that left half-written segments, kills inside a commit).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kills-per-round", type=int, default=40)
    p.add_argument("--fuzz-examples", type=int, default=1000)
    p.add_argument("--files", type=int, default=3000, help="crash-test corpus size")
    p.add_argument("--seed", type=int, default=int(time.time()))
    args = p.parse_args()
    env = dict(
        os.environ,
        SEARCH_SOAK_TRIALS=str(args.kills_per_round),
        SEARCH_FUZZ_EXAMPLES=str(args.fuzz_examples),
        SEARCH_CRASH_SEED=str(args.seed),
        SEARCH_CRASH_FILES=str(args.files),
    )
    print(
        f"soak: seed {args.seed}, {args.kills_per_round} kills per round, "
        f"{args.fuzz_examples} fuzz examples per test",
        flush=True,
    )
    tests = ["tests/test_crash.py", "tests/test_concurrency.py", "tests/test_fuzz.py"]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *tests],
        cwd=REPO,
        env=env,
    )
    print(f"soak: exit {done.returncode} after {time.perf_counter() - started:.0f} s")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
