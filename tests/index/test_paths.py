"""Odd file names work end to end; nothing outside the requested folders is read;
the index stores no absolute path where a root-relative one is enough."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from index.indexer import index_paths
from search.cli.main import main

ODD_NAMES = [
    "new\nline.txt",
    "tab\tand  spaces .txt",
    "ünïcödé — 日本語 🙂.txt",
    " leading space.txt",
    "trailing dot..txt",
    "quote'\"and\\backslash.txt",
    "semi;colon & ampersand $HOME.txt",
    "-starts-with-dash.txt",
]


def _hits(index_dir: Path, query: str, capsys) -> list[dict]:
    # search.cli.output binds sys.stdout when imported, so in-process --json output
    # would go to an earlier test's captured stream: ask the engine directly.
    from search.engine import Engine

    with Engine(index_dir) as engine:
        return [{"path": h.path} for h in engine.search(query, limit=50).hits]


def test_odd_file_names_round_trip(tmp_path, capsys, cli):
    docs = tmp_path / "dir with spaces" / "ünï\ncode"
    docs.mkdir(parents=True)
    for n, name in enumerate(ODD_NAMES):
        (docs / name).write_text(f"Zebrafinch{n} lives in file number {n}.\n", "utf-8")
    index_dir = tmp_path / "index dir ✓"
    assert main(["index", str(tmp_path / "dir with spaces"), "--index", str(index_dir)]) == 0
    for n, name in enumerate(ODD_NAMES):
        hits = _hits(index_dir, f"zebrafinch{n}", capsys)
        assert [h["path"] for h in hits] == [f"ünï\ncode/{name}"]
    real = cli("--json", "--index", str(index_dir), "-e", "zebrafinch0")
    assert real.returncode == 0, real.stderr
    assert json.loads(real.stdout.splitlines()[0])["path"] == f"ünï\ncode/{ODD_NAMES[0]}"
    # Re-running sees every odd name as unchanged (the manifest round-trips them).
    report = index_paths([tmp_path / "dir with spaces"], index_dir)
    assert report.unchanged == len(ODD_NAMES) and report.files_indexed == 0


def test_file_name_that_is_not_utf8(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    raw = os.fsencode(docs) + b"/latin1-caf\xe9.txt"
    try:
        fd = os.open(raw, os.O_WRONLY | os.O_CREAT)
    except OSError:
        pytest.skip("this file system refuses non-UTF-8 names")
    os.write(fd, b"Okapi paragraph in a badly named file.\n")
    os.close(fd)
    (docs / "fine.txt").write_text("Okapi paragraph in a well named file.\n")
    index_dir = tmp_path / "ix"
    code = main(["index", str(docs), "--index", str(index_dir), "-q"])
    assert code == 0, capsys.readouterr().err
    paths = sorted(h["path"] for h in _hits(index_dir, "okapi", capsys))
    assert paths == ["fine.txt", "latin1-caf\ufffd.txt"]
    assert index_paths([docs], index_dir).unchanged == 2


@pytest.fixture
def outside_link(tmp_path) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Pangolin secret kept outside the root.\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "inside.txt").write_text("Pangolin paragraph inside the root.\n")
    (root / "linked-dir").symlink_to(outside, target_is_directory=True)
    (root / "linked-file.txt").symlink_to(outside / "secret.txt")
    inner = root / "sub"
    inner.mkdir()
    (inner / "loop").symlink_to(root, target_is_directory=True)  # a loop, inside
    (root / "alias.txt").symlink_to(root / "inside.txt")  # inside: followed
    return root, outside


def test_symlinks_out_of_the_root_are_not_followed(outside_link, tmp_path, capsys):
    root, _ = outside_link
    index_dir = tmp_path / "ix"
    assert main(["index", str(root), "--index", str(index_dir), "-q"]) == 0
    paths = sorted(h["path"] for h in _hits(index_dir, "pangolin", capsys))
    assert paths == ["alias.txt", "inside.txt"]


def test_symlinks_out_of_the_root_are_followed_when_asked(outside_link, tmp_path, capsys):
    root, _ = outside_link
    index_dir = tmp_path / "ix"
    args = ["index", str(root), "--index", str(index_dir), "-q", "--follow-symlinks"]
    assert main(args) == 0
    paths = sorted(h["path"] for h in _hits(index_dir, "pangolin", capsys))
    assert paths == ["alias.txt", "inside.txt", "linked-dir/secret.txt", "linked-file.txt"]


def test_index_stores_no_absolute_paths(tmp_path):
    """Grep every Whoosh file for the machine's folder names: only the manifest may
    hold a root's absolute path (once per root)."""
    docs = tmp_path / "docs-Q7xZ"
    (docs / "deep" / "er").mkdir(parents=True)
    for n in range(30):
        (docs / "deep" / "er" / f"f{n}.txt").write_text(f"Paragraph {n} about harbours.\n")
    index_dir = tmp_path / "ix"
    index_paths([docs], index_dir)
    needles = [os.fsencode(str(docs)), os.fsencode(str(tmp_path)), b"docs-Q7xZ"]
    checked = 0
    for path in index_dir.rglob("*"):
        if not path.is_file() or path.name.startswith("manifest.sqlite3"):
            continue
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"{path.name} holds {needle!r}"
        checked += 1
    assert checked >= 4  # TOC, segment files, our own json files

    import sqlite3

    db = sqlite3.connect(index_dir / "manifest.sqlite3")
    roots = db.execute("SELECT path FROM roots").fetchall()
    relpaths = [r[0] for r in db.execute("SELECT relpath FROM files")]
    db.close()
    assert roots == [(str(docs),)]
    assert all(not os.path.isabs(p) and str(tmp_path) not in p for p in relpaths)


def _bad_name(folder: Path, raw: bytes, text: str) -> Path:
    """Write `text` to a file named with bytes that are not UTF-8 (skips where refused)."""
    path = Path(os.fsdecode(os.fsencode(folder) + b"/" + raw))
    try:
        path.write_text(text)
    except OSError:
        pytest.skip("this file system refuses non-UTF-8 names")
    return path


def test_names_that_are_not_utf8_survive_rebuild_and_prune(tmp_path, cli):
    from index.indexer import remove_paths
    from search.engine import Engine

    docs = tmp_path / "docs"
    docs.mkdir()
    e_acute = _bad_name(docs, b"caf\xe9.txt", "Latin name rebuildword.\n")
    e_grave = _bad_name(docs, b"caf\xe8.txt", "Another rebuildword.\n")  # differs in that byte
    (docs / "ok.txt").write_text("Normal rebuildword.\n")
    other = tmp_path / "other"
    other.mkdir()
    (other / "o.txt").write_text("Elsewhere.\n")
    index_dir = tmp_path / "ix"

    def count() -> int:
        with Engine(index_dir) as engine:
            return engine.search("rebuildword", limit=None).total

    assert index_paths([docs], index_dir).files_indexed == 3
    assert count() == 3
    assert index_paths([], index_dir, rebuild=True).removed == 0
    assert count() == 3
    assert index_paths([other], index_dir, prune_everywhere=True).removed == 0
    assert count() == 3
    assert index_paths([docs], index_dir).unchanged == 3

    # What is shown stays valid text: JSON prints it, with U+FFFD for the bad byte.
    real = cli("--json", "-n", "5", "--index", str(index_dir), "rebuildword")
    shown = sorted(json.loads(line).get("path", "") for line in real.stdout.splitlines())
    assert shown == ["", "caf\ufffd.txt", "caf\ufffd.txt", "ok.txt"], real.stderr

    # Once a file is really gone, pruning and the watcher's removals still find it.
    e_grave.unlink()
    assert index_paths([other], index_dir, prune_everywhere=True).removed == 1
    e_acute.unlink()
    assert remove_paths([e_acute], index_dir).removed == 1
    assert count() == 1


def test_folder_whose_name_is_not_utf8(tmp_path):
    from search.engine import Engine

    docs = _bad_name(tmp_path, b"d\xe9r", "")
    docs.unlink()
    docs.mkdir()
    (docs / "a.txt").write_text("Root word rootword.\n")
    index_dir = tmp_path / "ix"
    assert index_paths([docs], index_dir).files_indexed == 1
    assert index_paths([], index_dir, rebuild=True).files_indexed == 1
    assert index_paths([docs], index_dir).unchanged == 1
    with Engine(index_dir) as engine:
        assert [h.path for h in engine.search("rootword").hits] == ["a.txt"]
