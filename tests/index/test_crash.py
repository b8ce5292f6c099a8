"""SIGKILL `search index` at random moments; the index must stay whole and resumable.

Each round builds (or updates) an index with tiny batches, so commits and
Whoosh's merges happen every few files, and kills it again and again at random
delays. After every kill: the index opens, each file it holds has all its
paragraphs exactly once, and the manifest never claims more than the index
holds. After the round, the same command run to the end yields exactly the
corpus. SEARCH_SOAK_TRIALS=N runs N kills per round instead of the default,
SEARCH_CRASH_FILES=N sets the corpus size.
"""

from __future__ import annotations

import os
import random

from crashkit import (
    check_consistent,
    check_exact,
    cli_env,
    commit_record_behind,
    expected_paragraphs,
    kill_after,
    make_corpus,
    start_cli,
    uncommitted_files,
    write_doc,
)

# CI uses 900 files to stay within a minute; the soak (bench/soak.py) uses 3,000.
FILES = int(os.environ.get("SEARCH_CRASH_FILES", "0") or 0) or 900
KILLS_PER_ROUND = int(os.environ.get("SEARCH_SOAK_TRIALS", "0") or 0) or 12
BATCH = "60"
MAX_RUNS_PER_ROUND = 4 * KILLS_PER_ROUND


def _kill_round(corpus, index_dir, rng, stats, before=None, extra=(), change=None):
    """Runs of `search index` killed at random moments until KILLS_PER_ROUND of them
    were killed (a run may finish first), the index checked after each kill.

    Each killed run keeps what it committed, so a few runs in, the rest of the work
    fits within the kill delays and a run finishes; after that every run would be a
    no-op that no kill reaches. `change` then changes the corpus again, so the next
    runs have work to be killed in; how many runs that takes depends on the
    machine's speed, which is why the round counts kills, not runs.
    """
    expected = expected_paragraphs(corpus)
    env = cli_env(SEARCH_BATCH_PARAGRAPHS=BATCH)
    args = ("index", str(corpus), "--index", str(index_dir), "-q", *extra)
    kills = 0
    for _ in range(MAX_RUNS_PER_ROUND):
        if kills >= KILLS_PER_ROUND:
            break
        # Mostly early-to-mid run, sometimes right at start-up (index creation).
        delay = rng.choice([rng.uniform(0.05, 0.6), rng.uniform(0.3, 2.0), rng.uniform(0.3, 2.0)])
        proc = start_cli(*args, env=env)
        killed = kill_after(proc, delay)
        stats["trials"] += 1
        stats["kills"] += killed
        kills += killed
        if not killed:
            assert proc.returncode == 0, proc.stderr
            if change is not None:
                before = expected  # what that run made complete
                change()
                expected = expected_paragraphs(corpus)
            continue
        if not (index_dir / "search-index.json").exists():
            stats["before_index"] += 1
            continue
        problems = check_consistent(index_dir, expected, before, corpus)
        assert not problems, f"after a kill at {delay:.2f} s: {problems[:5]}"
        if uncommitted_files(index_dir):
            stats["mid_write"] += 1  # segment or TOC files the last commit does not use
        if commit_record_behind(index_dir):
            stats["mid_commit"] += 1  # killed between Whoosh's commit and our record of it
    proc = start_cli(*args, env=env)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    problems = check_exact(index_dir, expected, corpus)
    assert not problems, problems[:5]


def test_sigkill_during_indexing_never_loses_or_duplicates(tmp_path):
    rng = random.Random(int(os.environ.get("SEARCH_CRASH_SEED", "1234")))
    corpus = make_corpus(tmp_path / "corpus", FILES)
    index_dir = tmp_path / "index"
    stats = {"trials": 0, "kills": 0, "before_index": 0, "mid_write": 0, "mid_commit": 0}

    # Round 1: a new index, killed repeatedly, then finished; more files whenever a
    # run got to the end.
    added = iter(range(1000))

    def add_files() -> None:
        batch = next(added)
        for n in range(150):
            number = 50_000 + 200 * batch + n
            write_doc(corpus / "part0" / f"late{number}.txt", number, rng)

    _kill_round(corpus, index_dir, rng, stats, change=add_files)

    # Round 2: a complete index whose files change: edits, deletions, additions.
    before = expected_paragraphs(corpus)
    changes = iter(range(1, 1000))

    def change_files() -> None:
        version = next(changes)
        files = sorted(corpus.rglob("*.txt"))
        for n, path in enumerate(rng.sample(files, len(files) // 5)):
            write_doc(path, n, rng, version=version)
        for path in rng.sample(files, len(files) // 20):
            path.unlink(missing_ok=True)
        for n in range(150):
            number = 90_000 + 1000 * version + n
            write_doc(corpus / "part0" / f"new{number}.txt", number, rng)

    change_files()
    _kill_round(corpus, index_dir, rng, stats, before, change=change_files)

    # Round 3: `--rebuild` killed again and again (while it creates the new index
    # beside the old one, fills it, or swaps it in), then run to the end. After each
    # kill the old index must still be whole (the check above).
    _kill_round(corpus, index_dir, rng, stats, extra=("--rebuild",))

    print(f"crash trials: {stats}")
    # Every round got its kills within MAX_RUNS_PER_ROUND runs.
    assert stats["kills"] == 3 * KILLS_PER_ROUND, stats


def test_interrupted_rebuild_then_plain_run_indexes_everything(tmp_path):
    """A rebuild killed after it marked the folder "creating" (its first step) but
    before the manifest went: the next plain run must not trust the old manifest's
    "unchanged"."""
    from index.indexer import index_paths
    from index.whoosh.storage import _mark_creating

    corpus = make_corpus(tmp_path / "corpus", 40)
    index_dir = tmp_path / "index"
    index_paths([corpus], index_dir)
    _mark_creating(index_dir)  # where the kill struck
    for toc in index_dir.glob("_MAIN_*.toc"):
        toc.unlink()
    report = index_paths([corpus], index_dir)
    assert report.files_indexed == 40
    assert not check_exact(index_dir, expected_paragraphs(corpus), corpus)
