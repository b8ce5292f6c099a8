"""Indexers and queries at the same time, and the lock that keeps indexers apart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

from crashkit import (
    check_exact,
    cli_env,
    expected_paragraphs,
    kill_after,
    make_corpus,
    start_cli,
)

from index.indexer import index_paths
from index.locking import INFO_NAME, LOCK_NAME, IndexerLock
from search.cli.main import main
from search.engine import Engine


def wait_for(predicate, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_queries_answer_from_last_commit_while_indexing(tmp_path, capsys):
    first = make_corpus(tmp_path / "first", 60, seed=1)
    index_dir = tmp_path / "ix"
    index_paths([first], index_dir)
    second = make_corpus(tmp_path / "second", 500, seed=2)

    with Engine(index_dir) as engine:
        baseline = engine.search("harbour", limit=3).total
    assert baseline > 0

    proc = start_cli(
        "index", str(second), "--index", str(index_dir), "-q",
        env=cli_env(SEARCH_BATCH_PARAGRAPHS="15"),  # a commit (and often a merge) every few files
    )  # fmt: skip
    totals, during = [], 0
    engine = Engine(index_dir)
    try:
        while proc.poll() is None:
            engine.refresh()  # the TUI's way: one engine, refreshed between queries
            refreshed = engine.search("harbour", limit=3).total
            with Engine(index_dir) as fresh:  # a new reader, possibly opened mid-commit
                assert fresh.search("harbour", limit=3).total >= refreshed
            totals.append(refreshed)
            code = main(["harbour", "--index", str(index_dir), "-c"])
            assert code == 0, capsys.readouterr().err
            during += proc.poll() is None
    finally:
        engine.close()
        out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    capsys.readouterr()
    assert during >= 5, "the indexer finished before queries could overlap it"
    # Only additions: what a query sees never shrinks, and never runs ahead of the end.
    with Engine(index_dir) as engine:
        final = engine.search("harbour", limit=3).total
    assert baseline <= totals[0]
    assert totals == sorted(totals)
    assert totals[-1] <= final


def test_second_indexer_waits_then_names_the_holder(tmp_path):
    docs = make_corpus(tmp_path / "docs", 5)
    index_dir = tmp_path / "ix"
    index_paths([docs], index_dir)
    with IndexerLock(index_dir):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "search", "index", str(docs), "--index", str(index_dir)],
            env=cli_env(SEARCH_LOCK_TIMEOUT="1.5"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        waited = time.monotonic() - started
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"process {os.getpid()}" in lines[0]
    assert str(index_dir) in lines[0]
    assert "waited 1.5 s" in lines[0]
    assert waited >= 1.5  # it did wait, bounded by the timeout (no upper bound asserted)


def test_second_indexer_proceeds_when_the_first_finishes_in_time(tmp_path):
    docs = make_corpus(tmp_path / "docs", 5)
    index_dir = tmp_path / "ix"
    lock = IndexerLock(index_dir).acquire()
    threading.Timer(0.5, lock.release).start()
    report = index_paths([docs], index_dir)  # default wait is 10 s
    assert report.files_indexed == 5
    assert not report.notes  # a lock released properly is not stale


def test_real_indexer_is_named_by_a_second_one(tmp_path):
    docs = make_corpus(tmp_path / "docs", 400)
    index_dir = tmp_path / "ix"
    first = start_cli(
        "index", str(docs), "--index", str(index_dir), "-q",
        env=cli_env(SEARCH_BATCH_PARAGRAPHS="40"),
    )  # fmt: skip
    try:
        assert wait_for(lambda: (index_dir / INFO_NAME).exists() or first.poll() is not None)
        second = subprocess.run(
            [sys.executable, "-m", "search", "index", str(docs), "--index", str(index_dir)],
            env=cli_env(SEARCH_LOCK_TIMEOUT="0.5"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if first.poll() is None:
            assert second.returncode == 2, second.stderr
            assert f"process {first.pid} (search index {docs}" in second.stderr
            assert "Traceback" not in second.stderr
    finally:
        first.communicate(timeout=300)
    assert first.returncode == 0


def test_stale_lock_of_a_killed_indexer_is_recognised_and_cleared(tmp_path):
    docs = make_corpus(tmp_path / "docs", 300)
    index_dir = tmp_path / "ix"
    env = cli_env(SEARCH_BATCH_PARAGRAPHS="40", SEARCH_LOCK_TIMEOUT="2")
    args = ("index", str(docs), "--index", str(index_dir))
    proc = start_cli(*args, env=env)
    assert wait_for(lambda: (index_dir / INFO_NAME).exists())
    time.sleep(0.3)
    assert kill_after(proc, 0.0)
    left = json.loads((index_dir / INFO_NAME).read_text())
    assert left["pid"] == proc.pid  # the dead indexer's record is still there

    rerun = subprocess.run(
        [sys.executable, "-m", "search", *args], env=env, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"cleared a stale lock on the index left by process {proc.pid}" in rerun.stderr
    assert not (index_dir / INFO_NAME).exists()
    assert not check_exact(index_dir, expected_paragraphs(docs), docs)


def test_lock_held_by_an_orphaned_child_is_explained(tmp_path):
    """A dead indexer's child that inherited the lock keeps it; say so, with the pid."""
    index_dir = tmp_path / "ix"
    docs = make_corpus(tmp_path / "docs", 3)
    index_paths([docs], index_dir)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(index_dir / LOCK_NAME)!r}, os.O_RDWR)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        info = {"pid": gone.pid, "host": os.uname().nodename, "command": "search index x"}
        (index_dir / INFO_NAME).write_text(json.dumps(info))
        result = subprocess.run(
            [sys.executable, "-m", "search", "index", str(docs), "--index", str(index_dir)],
            env=cli_env(SEARCH_LOCK_TIMEOUT="0.3"),
            capture_output=True,
            text=True,
        )
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert result.returncode == 2
    assert f"leftover child of process {gone.pid}" in result.stderr
    assert "no longer running" in result.stderr
    # Once the child is gone the lock is free again, and the record is recognised as stale.
    report = index_paths([docs], index_dir)
    assert any(f"process {gone.pid}" in note for note in report.notes)
