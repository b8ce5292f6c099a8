"""Indexing onto a full disk fails in one line and keeps the previous commit.

Needs root to mount a small tmpfs; skipped otherwise.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from crashkit import (
    check_consistent,
    expected_paragraphs,
    make_corpus,
    uncommitted_files,
    write_doc,
)

from search.cli.main import main


@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def big_corpus(root, files: int):
    import random

    rng = random.Random(3)
    root.mkdir(parents=True)
    for i in range(files):
        path = root / f"big{i:04d}.txt"
        write_doc(path, i, rng)
        # Pad with many distinct words so postings and stored text grow quickly.
        extra = " ".join(f"w{i}x{j}" for j in range(400))
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"\n{extra}.\n")


@pytest.mark.parametrize("batch", ["200", "1000000"])
def test_full_disk_fails_cleanly_and_keeps_last_commit(small_disk, tmp_path, capsys, batch):
    index_dir = small_disk / "ix"
    small = make_corpus(tmp_path / "small", 30)
    assert main(["index", str(small), "--index", str(index_dir), "-q"]) == 0
    capsys.readouterr()
    assert main(["harbour", "--index", str(index_dir), "-c"]) == 0
    before = int(capsys.readouterr().out)

    big = tmp_path / "big"
    big_corpus(big, 250)  # about 1 MB of text, 100,000 distinct words: cannot fit in 2 MB
    os.environ["SEARCH_BATCH_PARAGRAPHS"] = batch
    try:
        code = main(["index", str(big), "--index", str(index_dir), "-q"])
    finally:
        del os.environ["SEARCH_BATCH_PARAGRAPHS"]
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert "No space left on device" in lines[0]
    assert str(index_dir) in lines[0]

    # Everything committed before is still there and searchable; nothing half-done.
    assert main(["harbour", "--index", str(index_dir), "-c"]) == 0
    assert int(capsys.readouterr().out) >= before
    expected = expected_paragraphs(small) | expected_paragraphs(big)
    held_problems = [
        p for p in check_consistent(index_dir, expected) if "not in the corpus" not in p
    ]
    assert not held_problems

    # The next run clears what the failed writer left, so the space comes back.
    assert main(["index", str(small), "--index", str(index_dir), "-q"]) == 0
    assert not uncommitted_files(index_dir)
    (small / "part0" / "doc00000.txt").write_text("A harbour paragraph, edited.\n")
    assert main(["index", str(small), "--index", str(index_dir), "-q"]) == 0


def test_rebuild_that_does_not_fit_keeps_the_old_index(small_disk, tmp_path, capsys):
    """A rebuild needs room for the new index beside the old one; without it, it stops
    in one line and the old index answers as before, with nothing left beside it."""
    index_dir = small_disk / "ix"
    small = make_corpus(tmp_path / "small", 30)
    assert main(["index", str(small), "--index", str(index_dir), "-q"]) == 0
    capsys.readouterr()
    filler = small_disk / "filler"  # leave less free space than the index takes
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    used = sum(p.stat().st_size for p in index_dir.iterdir())
    filler.write_bytes(b"\0" * max(0, free - used // 2))
    assert main(["harbour", "--index", str(index_dir), "-c"]) == 0
    before = capsys.readouterr().out

    assert main(["index", "--rebuild", "--index", str(index_dir), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"search: could not rebuild the index at {index_dir} (")
    assert err[0].endswith("); it is as it was before")
    assert main(["harbour", "--index", str(index_dir), "-c"]) == 0
    assert capsys.readouterr().out == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "ix"]
    filler.unlink()
    assert main(["index", "--rebuild", "--index", str(index_dir), "-q"]) == 0
    assert sorted(p.name for p in small_disk.iterdir()) == ["ix"]
