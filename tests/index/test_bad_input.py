"""Bad input in one run: good files indexed, bad ones reported and counted, nothing lost."""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from pathlib import Path

import pytest
from indexinspect import stored

from index.indexer import index_paths
from search.cli.main import main

GOOD = "The ferry timetable changes in October, when the harbour dredging begins.\n"


def _index_as_unprivileged(paths, ix):
    """Run index_paths in a forked child as 'nobody', so a mode-000 file is really unreadable
    even when the suite runs as root. Modules are already imported in the parent."""
    # The child may not read the interpreter's own files (/root is private), so every
    # codec and module the run can need is imported here first.
    import encodings.cp1252  # noqa: F401
    import encodings.latin_1  # noqa: F401
    import encodings.utf_16  # noqa: F401

    import charset_normalizer  # noqa: F401

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(read_fd)
            os.setgid(65534)
            os.setuid(65534)
            result = index_paths(paths, ix)
        except BaseException as exc:  # report it to the parent instead of dying silently
            result = RuntimeError(f"{type(exc).__name__}: {exc}")
        try:
            os.write(write_fd, pickle.dumps(result))
        finally:
            os._exit(0)
    os.close(write_fd)
    data = b""
    while chunk := os.read(read_fd, 65536):
        data += chunk
    os.waitpid(pid, 0)
    result = pickle.loads(data)
    if isinstance(result, Exception):
        raise result
    return result


@pytest.fixture
def open_tmp():
    """A temp folder outside pytest's private (mode 700) tree, so 'nobody' can reach it."""
    path = Path(tempfile.mkdtemp(prefix="search-bad-input-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def messy(open_tmp):
    folder = open_tmp / "messy"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "latin1.txt").write_bytes("Le café coûte 2 £ à Zürich.\n".encode("latin-1"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    locked = folder / "locked.txt"
    locked.write_text("You should never see this sentence in the index.\n")
    locked.chmod(0)
    folder.chmod(0o755)
    return folder


def test_bad_files_are_reported_and_good_ones_indexed(messy, open_tmp):
    ix = open_tmp / "ix"
    ix.mkdir()
    ix.chmod(0o777)  # the unprivileged child writes the index here
    missing = open_tmp / "does-not-exist"
    paths = [messy, missing]
    report = _index_as_unprivileged(paths, ix) if os.geteuid() == 0 else index_paths(paths, ix)
    errors = dict(report.errors)
    skipped = dict(report.skipped)
    assert any("locked.txt" in p for p in errors), report.errors
    assert errors[str(missing)] == "no such file or directory"
    assert len(report.errors) == 2
    assert any("binary.txt" in p and r == "binary data" for p, r in skipped.items())
    assert any("empty.txt" in p and r == "empty file" for p, r in skipped.items())
    assert any("photo.jpg" in p and r == "unsupported format" for p, r in skipped.items())
    assert report.files_indexed == 2  # good.txt and latin1.txt
    texts = {d["text"] for d in stored(ix)}
    assert GOOD.strip() in texts
    assert "Le café coûte 2 £ à Zürich." in texts  # decoded from Latin-1, not mangled


def test_exit_status_and_nothing_already_indexed_is_lost(messy, tmp_path, capsys):
    ix = tmp_path / "ix"
    good_only = tmp_path / "good"
    good_only.mkdir()
    (good_only / "keep.txt").write_text("Dredging of the inner basin starts in spring.\n")
    assert main(["index", str(good_only), "--index", str(ix)]) == 0
    capsys.readouterr()
    code = main(["index", str(messy), str(tmp_path / "nope"), "--index", str(ix)])
    err = capsys.readouterr().err
    assert code == 2  # documented: some inputs failed, the rest were committed
    assert "error:" in err and "nope" in err and "Traceback" not in err
    assert "skipped" in err
    paths = {d["path"] for d in stored(ix)}
    assert "keep.txt" in paths and "good.txt" in paths
    assert main(["--index", str(ix), "-c", "dredging"]) == 0
    assert capsys.readouterr().out.strip() == "2"


def test_a_file_that_becomes_unreadable_keeps_its_paragraphs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    note = folder / "note.txt"
    note.write_text("The lighthouse keeper retired in 1998.\n")
    ix = tmp_path / "ix"
    index_paths([folder], ix)
    note.write_bytes(b"\xff\xfe\x00")  # now an invalid UTF-16 file
    report = index_paths([folder], ix)
    assert [reason for _, reason in report.errors] == ["invalid UTF-16: truncated data"]
    # unreadable now, so the paragraphs from its last good version stay searchable
    assert "The lighthouse keeper retired in 1998." in {d["text"] for d in stored(ix)}
