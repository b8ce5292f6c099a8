"""`--rebuild` never leaves a person without an index: the new one is built beside
the old, which answers queries until the complete new one takes its place; a
rebuild killed at any moment leaves the old index whole, and runs again."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import pytest
from crashkit import (
    check_exact,
    cli_env,
    expected_paragraphs,
    kill_after,
    make_corpus,
    start_cli,
)

import index.indexer
import index.rebuild
from index.errors import IndexLocked, IndexWriteFailed
from index.indexer import IN_PLACE, index_paths
from index.locking import IndexerLock
from search.engine import Engine


def count(index_dir: Path, query: str) -> int:
    with Engine(index_dir) as engine:
        return engine.search(query, limit=None, partial=False).total


def beside(index_dir: Path) -> list[str]:
    """What a rebuild left next to the index folder."""
    return sorted(p.name for p in index_dir.parent.iterdir() if p.name.startswith("."))


def cli_count(index_dir: Path, query: str) -> str:
    proc = start_cli(query, "-c", "--index", str(index_dir))
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    return out.strip()


def test_killed_rebuild_leaves_the_old_index_answering_and_runs_again(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 600)
    index_dir = tmp_path / "index"
    env = cli_env(SEARCH_BATCH_PARAGRAPHS="60")
    proc = start_cli("index", str(corpus), "--index", str(index_dir), "-q", env=env)
    assert proc.communicate(timeout=300) and proc.returncode == 0, proc.stderr
    before = cli_count(index_dir, "harbour")
    assert int(before) > 0
    expected = expected_paragraphs(corpus)

    proc = start_cli("index", "--rebuild", "--index", str(index_dir), "-q", env=env)
    # Kill it part-way: once the new index has committed a few batches (at most 2 s).
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and not any(tmp_path.glob(".index*/_MAIN_3.toc")):
        time.sleep(0.01)
    assert kill_after(proc, 0), "the rebuild finished before it could be killed"

    assert cli_count(index_dir, "harbour") == before
    assert not check_exact(index_dir, expected, corpus)

    proc = start_cli("index", "--rebuild", "--index", str(index_dir), "-q", env=env)
    proc.communicate(timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert cli_count(index_dir, "harbour") == before
    assert not check_exact(index_dir, expected, corpus)
    assert beside(index_dir) == []


def test_searches_during_a_rebuild_answer_from_the_old_index(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 120)
    index_dir = tmp_path / "index"
    index_paths([corpus], index_dir)
    before = count(index_dir, "harbour")
    seen: list[int] = []

    def midway(done: int, total: int, _name: str) -> None:
        if done in (1, total // 2, total):  # batches of 20 paragraphs have been committed
            seen.append(count(index_dir, "harbour"))

    index_paths([], index_dir, rebuild=True, batch_paragraphs=20, progress=midway)
    assert seen == [before, before, before]
    assert count(index_dir, "harbour") == before
    assert not check_exact(index_dir, expected_paragraphs(corpus), corpus)


def test_an_open_engine_sees_the_rebuilt_index(tmp_path):
    """The terminal app keeps one Engine open: after a rebuild (whose last commit may
    well have the old index's generation number) it must search the new index."""
    corpus = make_corpus(tmp_path / "corpus", 40)
    index_dir = tmp_path / "index"
    index_paths([corpus], index_dir)
    with Engine(index_dir) as engine:
        everywhere = engine.search("harbour", limit=None, partial=False).total
        index_paths([corpus / "part0"], index_dir, rebuild=True)
        assert engine.refresh()
        now = engine.search("harbour", limit=None, partial=False).total
    assert now == count(index_dir, "harbour") < everywhere


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path, int]:
    """(corpus, index folder, paragraphs with "harbour") of a complete index."""
    corpus = make_corpus(tmp_path / "corpus", 60)
    index_dir = tmp_path / "index"
    index_paths([corpus], index_dir)
    return corpus, index_dir, count(index_dir, "harbour")


def test_an_indexer_waiting_through_the_swap_holds_the_lock_of_the_new_index(built):
    corpus, index_dir, _ = built
    seen: dict[str, object] = {}
    started = threading.Event()

    def second_indexer() -> None:
        started.set()
        with IndexerLock(index_dir, timeout=60) as lock:
            seen["locked"] = os.fstat(lock.fd).st_ino
            seen["named"] = (index_dir / "indexer.lock").stat().st_ino
            try:  # a third one, started after the swap, must wait for it
                IndexerLock(index_dir, timeout=0).acquire().release()
            except IndexLocked:
                seen["third"] = "waited"

    waiter = threading.Thread(target=second_indexer)

    def midway(done: int, _total: int, _name: str) -> None:
        if done == 1:
            waiter.start()
            started.wait()
            time.sleep(0.3)  # it opened the lock file, and waits for it

    index_paths([], index_dir, rebuild=True, progress=midway)
    waiter.join(60)
    assert seen == {"locked": seen["named"], "named": seen["named"], "third": "waited"}
    assert not (index_dir / "indexer.lock.json").exists()
    assert beside(index_dir) == []


def test_without_a_folder_exchange_it_renames_twice(built, monkeypatch):
    corpus, index_dir, before = built
    monkeypatch.setattr(index.rebuild, "_exchange", lambda a, b: False)
    index_paths([], index_dir, rebuild=True)
    assert count(index_dir, "harbour") == before
    assert not check_exact(index_dir, expected_paragraphs(corpus), corpus)
    assert beside(index_dir) == []


def test_a_kill_between_the_two_renames_gets_the_old_index_back(built, tmp_path):
    corpus, index_dir, before = built
    scratch = tmp_path / ".index.rebuild"
    index_paths([corpus / "part1"], scratch)  # a new index, complete
    (scratch / "indexer.lock").unlink()
    os.link(index_dir / "indexer.lock", scratch / "indexer.lock")  # as a rebuild makes it
    os.rename(index_dir, tmp_path / ".index.replaced")  # the first rename, not the second
    report = index_paths([corpus], index_dir)
    assert report.unchanged == 60 and report.files_indexed == 0  # the old index, whole
    assert count(index_dir, "harbour") == before
    assert beside(index_dir) == []


def test_a_plain_run_clears_what_a_killed_rebuild_left(built, tmp_path):
    corpus, index_dir, before = built
    scratch = tmp_path / ".index.rebuild"
    index_paths([corpus / "part1"], scratch)
    (scratch / "indexer.lock").unlink()
    os.link(index_dir / "indexer.lock", scratch / "indexer.lock")  # as a rebuild makes it
    index_paths([corpus], index_dir)
    assert beside(index_dir) == []
    assert count(index_dir, "harbour") == before


def test_a_rebuild_that_fails_leaves_the_old_index_and_nothing_beside_it(built, monkeypatch):
    corpus, index_dir, before = built
    commit = index.indexer._Batch.commit

    def full_disk(batch) -> None:
        if batch.index_dir != index_dir:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        commit(batch)

    monkeypatch.setattr(index.indexer._Batch, "commit", full_disk)
    with pytest.raises(IndexWriteFailed) as failed:
        index_paths([], index_dir, rebuild=True)
    assert str(failed.value) == (
        f"could not rebuild the index at {index_dir} (No space left on device); "
        "it is as it was before"
    )
    assert count(index_dir, "harbour") == before
    assert beside(index_dir) == []


def test_an_index_folder_that_cannot_be_swapped_is_rebuilt_in_place(built, monkeypatch):
    corpus, index_dir, before = built
    monkeypatch.setattr(index.rebuild, "_mount_point", lambda path: True)
    report = index_paths([], index_dir, rebuild=True)
    assert IN_PLACE in report.notes
    assert count(index_dir, "harbour") == before
    assert beside(index_dir) == []


def test_rebuild_through_a_symbolic_link_keeps_the_link(built, tmp_path):
    corpus, index_dir, before = built
    link = tmp_path / "link"
    link.symlink_to(index_dir, target_is_directory=True)
    index_paths([], link, rebuild=True)
    assert link.is_symlink() and count(link, "harbour") == before
    assert beside(index_dir) == []


def test_rebuild_into_a_new_folder(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 20)
    index_dir = tmp_path / "new" / "index"
    index_paths([corpus], index_dir, rebuild=True)
    assert not check_exact(index_dir, expected_paragraphs(corpus), corpus)
    assert beside(index_dir) == []


def test_someone_elses_folder_of_that_name_is_left_alone(built, tmp_path):
    corpus, index_dir, before = built
    theirs = tmp_path / ".index.rebuild"
    theirs.mkdir()
    (theirs / "manifest.sqlite3").write_text("not ours, whatever its name")
    report = index_paths([], index_dir, rebuild=True)
    assert IN_PLACE in report.notes
    assert (theirs / "manifest.sqlite3").read_text() == "not ours, whatever its name"
    assert count(index_dir, "harbour") == before
