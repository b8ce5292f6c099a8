"""Parallel indexing: same index as one process, and never an orphan holding the lock."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from index.indexer import index_paths
from index.whoosh.parallel import WorkerFailed, parallel_allowed
from index.whoosh.storage import ParagraphWriter, open_index
from search.engine import Engine

WORDS = (
    "ceasefire talks resumed in the capital while ministers argued over oil prices "
    "markets rallied bank interest rates rose sharply farmers harvested wheat and corn "
    "the government announced a new budget for schools hospitals and roads"
).split()


def make_folder(root: Path, files: int, paragraphs: int, seed: int = 1) -> Path:
    """Real text files of made-up news paragraphs (blank-line separated)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        paras = [
            " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "."
            for _ in range(paragraphs)
        ]
        (root / f"story{i:04d}.txt").write_text(
            f"Story number {i}\n\n" + "\n\n".join(paras) + "\n", "utf-8"
        )
    return root


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is `pid` (zombies excluded), from /proc."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"


def paragraph_set(index_dir: Path) -> set[tuple[str, int, str]]:
    with Engine(index_dir) as engine:
        stored = engine.backend.searcher.all_stored_fields()
        return {(f["doc_id"], f["paragraph"], f["text"]) for f in stored}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork + /proc")
def test_two_processes_index_exactly_what_one_does(tmp_path):
    folder = make_folder(tmp_path / "docs", files=30, paragraphs=12)
    one = index_paths([folder], tmp_path / "one", procs=1)
    two = index_paths([folder], tmp_path / "two", procs=2)
    assert two.errors == [] and two.paragraphs == one.paragraphs == 30 * 12
    assert paragraph_set(tmp_path / "two") == paragraph_set(tmp_path / "one")
    with Engine(tmp_path / "one") as a, Engine(tmp_path / "two") as b:
        assert a.search("wheat corn").total == b.search("wheat corn").total > 0
    # Segments stay uncompounded (readers map only what a query touches).
    assert not list((tmp_path / "two").glob("*.seg"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork + /proc")
def test_parallel_reindex_of_an_edited_file_leaves_no_duplicate(tmp_path):
    folder = make_folder(tmp_path / "docs", files=10, paragraphs=5)
    index_dir = tmp_path / "ix"
    index_paths([folder], index_dir, procs=2)
    (folder / "story0003.txt").write_text("Edited\n\nOnly one paragraph about zebras.\n")
    report = index_paths([folder], index_dir, procs=2)
    assert report.files_indexed == 1 and report.unchanged == 9
    with Engine(index_dir) as engine:
        assert engine.paragraph_count() == 9 * 5 + 1
        assert engine.search("zebras").total == 1
        assert engine.search("path:story0003.txt").total == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork + /proc")
def test_a_dead_worker_fails_the_commit_and_frees_the_lock(tmp_path):
    index_dir = tmp_path / "ix"
    index_paths([make_folder(tmp_path / "a", files=2, paragraphs=2)], index_dir)
    ix = open_index(index_dir)
    writer = ParagraphWriter(ix, index_dir, procs=2)
    w = writer._w
    for i in range(2000):  # enough job batches to start both workers
        w.add_document(file_key=f"k/{i}", doc_id=str(i), paragraph=1, text=f"zebra {i}")
    assert w.tasks
    os.kill(w.tasks[0].pid, signal.SIGKILL)
    with pytest.raises(WorkerFailed):
        writer.commit()
    writer.cancel()
    assert all(not t.is_alive() for t in w.tasks) or not w.tasks
    # Nothing from the failed commit is visible, and the lock is free again.
    with Engine(index_dir) as engine:
        assert engine.paragraph_count() == 4
    ParagraphWriter(open_index(index_dir), index_dir).cancel()


IDLE_KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    from index.whoosh.parallel import WorkerFailed
    from index.whoosh.storage import ParagraphWriter, open_index
    index_dir, victim = Path(sys.argv[1]), int(sys.argv[2])
    writer = ParagraphWriter(open_index(index_dir), index_dir, procs=2)
    w = writer._w
    for i in range(2000):
        w.add_document(file_key=f"k/{i}", doc_id=str(i), paragraph=1, text=f"zebra {i}")
    time.sleep(2)  # every job taken: one worker waits in get() holding the read lock
    os.kill(w.tasks[victim].pid, signal.SIGKILL)
    try:
        writer.commit()
    except WorkerFailed as e:
        writer.cancel()
        print("failed:", e)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork + /proc")
@pytest.mark.parametrize("victim", [0, 1])
def test_a_worker_killed_while_idle_fails_the_commit_instead_of_hanging_it(tmp_path, victim):
    # Two idle workers: one waits in the job queue's get() holding its read lock, the
    # other waits for that lock. Killing the holder (one of the two runs) left the
    # other blocked for ever and the commit waiting for it.
    index_dir = tmp_path / "ix"
    index_paths([make_folder(tmp_path / "a", files=2, paragraphs=2)], index_dir)
    run = subprocess.run(
        [sys.executable, "-c", IDLE_KILL_SCRIPT, str(index_dir), str(victim)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-500:]
    assert run.stdout.startswith("failed:"), run.stdout + run.stderr[-500:]
    with Engine(index_dir) as engine:
        assert engine.paragraph_count() == 4


def test_no_forking_from_a_thread(tmp_path):
    folder = make_folder(tmp_path / "docs", files=3, paragraphs=2)
    out: dict = {}

    def run() -> None:
        out["allowed"] = parallel_allowed()
        out["report"] = index_paths([folder], tmp_path / "ix", procs=2)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert out["allowed"] is False
    assert out["report"].paragraphs == 6
    assert any("one process" in n for n in out["report"].notes)


KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    from index.indexer import index_paths
    index_paths([sys.argv[1]], sys.argv[2], procs=2, batch_paragraphs=10**9)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork + /proc")
def test_sigkill_of_a_parallel_run_leaves_no_orphan_and_no_lock(tmp_path):
    folder = make_folder(tmp_path / "docs", files=150, paragraphs=30)
    index_dir = tmp_path / "ix"
    index_paths([make_folder(tmp_path / "first", files=1, paragraphs=3)], index_dir)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(folder), str(index_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        workers = children_of(proc.pid)
        if len(workers) >= 2:
            break
        time.sleep(0.05)
    assert len(workers) >= 2, f"no workers seen; stderr: {proc.stderr.read().decode()[-500:]}"
    time.sleep(0.3)  # let the workers take jobs (and hold the inherited lock fd)
    proc.kill()
    proc.wait()
    proc.stderr.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in workers):
        time.sleep(0.05)
    survivors = [p for p in workers if alive(p)]
    for pid in survivors:  # never leave them behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not survivors, "orphaned indexing workers survived their parent"
    # A new indexer gets the lock at once, and the index still answers.
    started = time.monotonic()
    report = index_paths([make_folder(tmp_path / "later", files=2, paragraphs=2)], index_dir)
    assert time.monotonic() - started < 8  # far below the 10 s lock wait
    assert report.errors == [] and report.paragraphs == 4
    with Engine(index_dir) as engine:
        assert engine.paragraph_count() == 3 + 4  # nothing of the killed run is visible
        live = {seg.segment_id() for seg in engine.backend.ix._segments()}
    # The killed run's temporary files and unfinished segments were cleaned away.
    assert not (index_dir / "MAIN.tmp").exists()
    leftovers = {p.name.split(".")[0] for p in index_dir.glob("MAIN_*")} - {"MAIN_WRITELOCK"}
    assert leftovers <= live, leftovers - live


def test_cli_rejects_a_bad_procs_value(cli, tmp_path):
    result = cli("index", str(tmp_path), "--procs", "0", "--index", str(tmp_path / "ix"))
    assert result.returncode == 2
    assert "--procs" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("procs", [1, 2])
def test_merged_segments_stay_uncompounded(tmp_path, procs):
    """Many small commits make Whoosh merge segments; the merged ones must not be
    compound files either (a compound file is read into memory whole)."""
    folder = make_folder(tmp_path / "docs", files=24, paragraphs=3)
    index_dir = tmp_path / "ix"
    report = index_paths([folder], index_dir, procs=procs, batch_paragraphs=3)
    assert report.paragraphs == 72
    if procs == 2:  # a parallel run commits in larger batches; add small runs after it
        for i in range(12):
            extra = make_folder(tmp_path / f"more{i}", files=1, paragraphs=2, seed=i)
            index_paths([extra], index_dir, procs=1)
    assert list(index_dir.glob("*.seg")) == []
    with Engine(index_dir) as engine:
        assert engine.paragraph_count() == 72 + (24 if procs == 2 else 0)
        segments = engine.backend.ix._segments()
    assert len(segments) < 12  # merging happened
    assert not any(seg.is_compound() for seg in segments)


def test_auto_procs_goes_parallel_only_for_large_runs(tmp_path):
    from index.discovery import FoundFile
    from index.indexer import PARALLEL_MIN_BYTES, IndexReport, _choose_procs
    from index.whoosh.parallel import default_procs

    small = tmp_path / "small.txt"
    small.write_text("a few words\n")
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (PARALLEL_MIN_BYTES // 5 + 1))
    report = IndexReport()
    assert _choose_procs(None, {"s": (None, FoundFile(small, "small.txt"))}, report) == 1
    tasks = {"s": (None, FoundFile(small, "small.txt")), "b": (None, FoundFile(big, "big.txt"))}
    assert _choose_procs(None, tasks, report) == default_procs()
    assert _choose_procs(1, tasks, report) == 1  # the library default never forks
    assert _choose_procs(3, {}, report) == 3
