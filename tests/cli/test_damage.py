"""A damaged index gives one line naming the index and the rebuild command, never a
traceback, from a query and from `search index`; --rebuild then recovers it."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

from search.cli.main import main

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def built(tmp_path) -> Path:
    """A small index over a copy of the seeds, committed in several segments."""
    from index.indexer import index_paths

    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    index_dir = tmp_path / "ix"
    index_paths([docs], index_dir, batch_paragraphs=200)
    return index_dir


def segment_files(index_dir: Path, suffix: str) -> list[Path]:
    return sorted(p for p in index_dir.glob(f"MAIN_*{suffix}"))


def toc(index_dir: Path) -> Path:
    return max(index_dir.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.split("_")[-1]))


def truncate_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def flip_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 16):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def wipe_schema_version(index_dir: Path) -> None:
    (index_dir / "search-index.json").write_text(json.dumps({"schema_version": 999}))


def other_schema(index_dir: Path) -> None:
    """A Whoosh index with other fields, as an older or foreign tool would leave."""
    from whoosh import fields, index

    for p in index_dir.glob("*MAIN*"):
        p.unlink()
    (index_dir / "search-index.commit.json").unlink()
    index.create_in(str(index_dir), fields.Schema(body=fields.TEXT(stored=True)))


def old_toc_version(index_dir: Path) -> None:
    """Rewrite the TOC's format number (after the three size varints and -12345)."""
    path = toc(index_dir)
    data = bytearray(path.read_bytes())
    data[7:11] = (-999).to_bytes(4, "big", signed=True)
    path.write_bytes(bytes(data))


def garbage_toc(index_dir: Path) -> None:
    toc(index_dir).write_bytes(pickle.dumps("not a table of contents") * 3)


DAMAGE = {
    "truncated postings": lambda d: truncate_half(segment_files(d, ".pst")[0]),
    "truncated terms": lambda d: truncate_half(segment_files(d, ".trm")[-1]),
    "truncated stored": lambda d: truncate_half(segment_files(d, "._stored.col")[0]),
    "deleted postings": lambda d: segment_files(d, ".pst")[0].unlink(),
    "deleted stored": lambda d: segment_files(d, "._stored.col")[-1].unlink(),
    "corrupted toc": lambda d: flip_middle(toc(d)),
    "truncated toc": lambda d: truncate_half(toc(d)),
    "garbage toc": garbage_toc,
    "deleted toc": lambda d: toc(d).unlink(),
    "incompatible version": wipe_schema_version,
    "old whoosh toc format": old_toc_version,
    "other schema": other_schema,
    "unreadable format file": lambda d: (d / "search-index.json").write_bytes(b"\x00\xff{"),
}


def assert_one_line_rebuild(err: str, index_dir: Path) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert str(index_dir) in lines[0]
    assert "search index --rebuild" in lines[0]


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_index_gives_one_line_and_rebuild_command(kind, built, capsys, tmp_path):
    DAMAGE[kind](built)
    assert main(["ceasefire", "--index", str(built)]) == 2
    assert_one_line_rebuild(capsys.readouterr().err, built)

    assert main(["index", str(tmp_path / "docs"), "--index", str(built), "-q"]) == 2
    assert_one_line_rebuild(capsys.readouterr().err, built)

    # The command the message names brings the index back, from the files it lists.
    assert main(["index", "--rebuild", "--index", str(built), "-q"]) == 0
    capsys.readouterr()
    assert main(["ceasefire", "--index", str(built), "-c"]) == 0
    assert int(capsys.readouterr().out) > 0


def test_damage_found_lazily_is_still_one_line(built, tmp_path, cli):
    """Without the commit record, a truncated segment only shows when a query reads it."""
    (built / "search-index.commit.json").unlink()
    for path in segment_files(built, ".pst") + segment_files(built, "._stored.col"):
        truncate_half(path)
    result = cli("ceasefire", "--index", str(built))
    assert result.returncode == 2
    assert_one_line_rebuild(result.stderr, built)
    result = cli("index", str(tmp_path / "docs"), "--index", str(built), "-q")
    assert result.returncode == 2
    assert_one_line_rebuild(result.stderr, built)


def test_real_process_reports_truncated_segment(built, cli):
    truncate_half(segment_files(built, ".pst")[0])
    result = cli("ceasefire", "--index", str(built))
    assert result.returncode == 2
    assert_one_line_rebuild(result.stderr, built)
    assert ".pst" in result.stderr  # names the file that is wrong
