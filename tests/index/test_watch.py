"""Freshness: re-indexing by content, and `search index --watch` following a folder."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO

from index.indexer import index_paths
from index.manifest import Manifest
from index.watcher import watch_paths

WAIT_SECONDS = 20.0  # bounded wait for the watcher to catch up (usually well under 2 s)


def indexed(index_dir: Path) -> dict[str, int]:
    """relpath -> paragraphs, as last committed."""
    with Manifest(index_dir) as manifest:
        return {e.relpath: e.paragraphs for e in manifest.files().values()}


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except sqlite3.OperationalError:
            pass  # the watcher is creating or writing the manifest this very moment
        time.sleep(0.1)
    raise AssertionError(f"the index did not follow within {WAIT_SECONDS:.0f} s: {what}")


def note(path: Path, title: str, *paragraphs: str) -> None:
    path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", "utf-8")


def test_touch_does_not_reindex_but_same_size_same_mtime_edit_does(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / "a.txt"
    note(path, "Otters", "Otters were seen at the weir.")
    index_dir = tmp_path / "index"
    assert index_paths([folder], index_dir).files_indexed == 1

    os.utime(path)  # touch: new mtime, same content
    touched = index_paths([folder], index_dir)
    assert (touched.files_indexed, touched.unchanged) == (0, 1)

    # Same size, same mtime, different bytes: only the content hash can tell.
    st = path.stat()
    note(path, "Otters", "Herons were seen at the weir.")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    edited = index_paths([folder], index_dir)
    assert edited.files_indexed == 1

    from search.engine import Engine

    with Engine(index_dir) as engine:
        assert engine.search("herons").total == 1
        assert engine.search("text:otters").total == 0  # the old paragraph is gone


def test_watcher_follows_create_modify_move_delete(tmp_path):
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    note(folder / "first.txt", "First", "A paragraph about herons.")
    # The index lives inside the watched folder: its own writes must not feed back.
    index_dir = folder / "search-index"
    stop = threading.Event()
    batches: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            watch_paths(
                [folder],
                index_dir,
                stop_event=stop,
                on_report=lambda kind, report: batches.append(kind),
                debounce_ms=200,
            )
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: "initial" in batches, "initial run")
        assert indexed(index_dir) == {"first.txt": 1}

        note(folder / "second.txt", "Second", "Egrets nest here.", "Cormorants too.")
        wait_for(lambda: indexed(index_dir).get("second.txt") == 2, "created file")

        note(folder / "first.txt", "First", "Herons.", "Now also kingfishers.", "And grebes.")
        wait_for(lambda: indexed(index_dir).get("first.txt") == 3, "modified file")

        (folder / "second.txt").rename(folder / "sub" / "moved.txt")
        wait_for(lambda: set(indexed(index_dir)) == {"first.txt", "sub/moved.txt"}, "moved file")

        (folder / "first.txt").unlink()
        wait_for(lambda: set(indexed(index_dir)) == {"sub/moved.txt"}, "deleted file")

        (folder / ".hidden.txt").write_text("Hidden\n\nNot for the index.\n")
        (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        note(folder / "sub" / "last.txt", "Last", "Swifts over the roofs.")
        wait_for(lambda: "sub/last.txt" in indexed(index_dir), "second created file")
        assert set(indexed(index_dir)) == {"sub/moved.txt", "sub/last.txt"}
    finally:
        stop.set()
        thread.join(timeout=WAIT_SECONDS)
    assert not thread.is_alive()
    assert not errors

    from search.engine import Engine

    with Engine(index_dir) as engine:
        assert engine.search("cormorants").hits[0].path == "sub/moved.txt"
        assert engine.search("kingfishers").total == 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX-only")
def test_ctrl_c_stops_the_cli_watcher_cleanly(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    note(folder / "a.txt", "Alpha", "Badgers dig at night.")
    index_dir = tmp_path / "index"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "search",
            "index",
            "--watch",
            str(folder),
            "--index",
            str(index_dir),
        ],
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(
            lambda: indexed(index_dir) == {"a.txt": 1} if index_dir.exists() else False,
            "initial run",
        )
        note(folder / "b.txt", "Beta", "Foxes at dawn.")
        wait_for(lambda: "b.txt" in indexed(index_dir), "created file")
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=WAIT_SECONDS)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "watching" in stderr and "stopped watching" in stderr

    from search.engine import Engine

    with Engine(index_dir) as engine:  # opens cleanly: nothing half-written
        assert engine.search("foxes").total == 1
        assert engine.search("badgers").total == 1
