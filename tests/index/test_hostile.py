"""Hostile files, folders and indexes (issue 18): bounded, safe, and nothing lost.

The bombs are small on disk and generated here; each run that could blow up is a
subprocess under a memory cap (RLIMIT_AS) and a timeout, so a regression fails the
test instead of the machine. `bench/hostile.py` runs the full-size versions.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from hostile_kit import capped_index_run, make_docx_bomb, make_jsonl_line_bomb, yaml_bomb
from indexinspect import stored

from index.indexer import index_paths

GOOD = "The harbour ferry timetable changes in October.\n"


# 1. Expanding input is held to one bound -------------------------------------------------


def test_a_docx_that_inflates_far_past_the_bound_is_skipped_in_bounded_memory(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD)
    make_docx_bomb(docs / "bomb.docx", inflated_mb=200)
    assert (docs / "bomb.docx").stat().st_size < 2 << 20  # small on disk
    run = capped_index_run(docs, tmp_path / "ix", memory_mb=700, timeout=60)
    assert run["skipped"] == [["bomb.docx", "expands past 64 MiB, not read to keep memory bounded"]]
    assert run["errors"] == [] and run["files_indexed"] == 1


def test_one_endless_line_of_compressed_json_lines_is_skipped_and_the_rest_read(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    make_jsonl_line_bomb(docs / "feed.jsonl.gz", line_mb=300)
    run = capped_index_run(docs, tmp_path / "ix", memory_mb=700, timeout=60)
    assert run["errors"] == []
    assert ["feed.jsonl.gz", "line 1: skipped: expands past 64 MiB"] in run["warnings"]
    assert run["documents"] == 1  # the good line after the endless one


def test_front_matter_aliases_nesting_without_end_are_no_plain_value(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text(yaml_bomb() + "The breakwater needs repairs.\n")
    run = capped_index_run(docs, tmp_path / "ix", memory_mb=700, timeout=30)
    assert run["errors"] == [] and run["documents"] == 1
    (doc,) = {d["doc_id"]: d for d in stored(tmp_path / "ix")}.values()
    assert not doc.get("author") and "breakwater" in doc["text"]


def test_a_deeply_nested_json_lines_record_loses_only_its_own_line(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    deep = '{"text": ' + "[" * 200_000 + "]" * 200_000 + "}"
    (docs / "feed.jsonl").write_text(deep + "\n" + json.dumps({"id": "ok", "text": GOOD}) + "\n")
    report = index_paths([docs], tmp_path / "ix")
    assert report.errors == []
    assert ("docs/feed.jsonl", "line 1: nested too deeply to read") in [
        (Path(p).parent.name + "/" + Path(p).name, w) for p, w in report.warnings
    ]
    assert report.documents == 1


def test_a_document_larger_than_the_bound_is_refused_by_the_framework(tmp_path, monkeypatch):
    import index.bounds

    monkeypatch.setattr(index.bounds, "MAX_EXPANDED_BYTES", 1 << 20)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "long.txt").write_text("A sentence of the harbour report. " * 70_000)  # 2.3 MiB
    report = index_paths([docs], tmp_path / "ix")
    assert [reason for _, reason in report.skipped] == [
        "expands past 1 MiB, not read to keep memory bounded"
    ]


# 2. A folder that cannot be listed keeps its documents ------------------------------------


@pytest.fixture
def open_tmp():
    """A temp folder outside pytest's private tree, so 'nobody' can reach it."""
    path = Path(tempfile.mkdtemp(prefix="search-hostile-"))
    path.chmod(0o755)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(path, ignore_errors=True)


def test_a_folder_that_becomes_unreadable_keeps_its_documents(open_tmp):
    from test_bad_input import _index_as_unprivileged

    d2 = open_tmp / "d2"
    (d2 / "sub").mkdir(parents=True)
    (d2 / "top.txt").write_text("The pier was painted in spring.\n")
    (d2 / "sub" / "keep.txt").write_text("The lighthouse keeper retired in 1998.\n")
    for p in (d2, d2 / "sub"):
        p.chmod(0o755)
    ix = open_tmp / "ix"
    index_paths([d2], ix)
    shutil.chown(ix, 65534, 65534)
    for f in ix.iterdir():
        shutil.chown(f, 65534, 65534)
    (d2 / "sub").chmod(0)
    report = _index_as_unprivileged([d2], ix)
    assert report.removed == 0
    assert any("sub" in path and "cannot list" in why for path, why in report.errors)
    assert "The lighthouse keeper retired in 1998." in {d["text"] for d in stored(ix)}


# 3. A folder is an index of ours only by our marker ----------------------------------------


def test_another_programs_whoosh_index_is_never_wiped(tmp_path, cli):
    from whoosh import fields
    from whoosh import index as whoosh_index

    theirs = tmp_path / "theirs"
    theirs.mkdir()
    ix = whoosh_index.create_in(str(theirs), fields.Schema(body=fields.TEXT(stored=True)))
    with ix.writer() as w:
        w.add_document(body="their precious document")
    before = sorted(p.name for p in theirs.iterdir())
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(GOOD)
    done = cli("index", str(docs), "--index", str(theirs))
    code, err = done.returncode, done.stderr
    assert code == 2 and "is not a search index" in err and "Traceback" not in err
    assert sorted(p.name for p in theirs.iterdir()) == before
    assert whoosh_index.open_dir(str(theirs)).doc_count() == 1


# 4. Only regular files are read ------------------------------------------------------------


def _search_index(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "search", "index", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_a_fifo_is_skipped_and_never_opened(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD)
    os.mkfifo(docs / "x.txt")
    (docs / "link.txt").symlink_to(docs / "x.txt")
    done = _search_index(str(docs), "--index", str(tmp_path / "ix"))
    assert done.returncode == 0, done.stderr
    assert "x.txt: not a regular file" in done.stderr
    assert "link.txt: not a regular file" in done.stderr
    assert "indexed 1 document" in done.stderr


def test_a_link_to_a_device_is_not_read_even_when_following_links(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD)
    (docs / "zero.txt").symlink_to("/dev/zero")
    done = _search_index(str(docs), "--index", str(tmp_path / "ix"), "--follow-symlinks")
    assert done.returncode == 0, done.stderr
    assert "zero.txt: not a regular file" in done.stderr


# 10. A crafted table of contents is damage, never code -------------------------------------


def _toc_with_schema_pickle(toc: bytes, payload: bytes) -> bytes:
    """`toc` with its pickled schema replaced by `payload`."""
    from whoosh.filedb.structfile import StructFile
    from whoosh.util.varints import varint

    stream = StructFile(io.BytesIO(toc))
    for _ in range(3):
        stream.read_varint()
    stream.read_int(), stream.read_int()
    for _ in range(3):
        stream.read_varint()
    start = stream.tell()
    stream.read_string()
    end = stream.tell()
    return toc[:start] + varint(len(payload)) + payload + toc[end:]


class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("with_record", [False, True])
def test_a_crafted_toc_is_a_damaged_index_and_runs_nothing(tmp_path, cli, with_record):
    import pickle

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(GOOD)
    ix = tmp_path / "ix"
    index_paths([docs], ix)
    marker = tmp_path / "PWNED"
    (toc,) = ix.glob("_MAIN_*.toc")
    toc.write_bytes(_toc_with_schema_pickle(toc.read_bytes(), pickle.dumps(_Payload(marker), 2)))
    if not with_record:
        (ix / "search-index.commit.json").unlink()
    for args in (["ferry"], ["index", str(docs)]):
        done = cli(*args, "--index", str(ix))
        assert not marker.exists()
        assert done.returncode == 2 and "damaged" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_the_safe_toc_reader_takes_every_class_our_indexes_hold(tmp_path, seeds_index):
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    from index.whoosh.safe_toc import install, read_toc

    install()
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):  # several commits: several segments, and a merge
        front = f"---\ndate: 2020-01-0{i + 1}\ntags: [a, b]\n---\n"
        (docs / f"{i}.md").write_text(f"{front}# T{i}\n\n{GOOD}")
        index_paths([docs], tmp_path / "ix", batch_paragraphs=1)
    (docs / "d.jsonl").write_text(json.dumps({"text": "Der Hafen.", "lang": "de"}) + "\n")
    index_paths([docs], tmp_path / "ix")
    for where in (seeds_index, tmp_path / "ix"):
        toc = read_toc(TOC, FileStorage(str(where)), "MAIN")
        assert toc.schema.names() and toc.segments


def test_the_zip_check_reads_only_the_directory(tmp_path):
    from index.bounds import TooLarge, check_zip

    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", b" " * (2 << 20))
    check_zip(path, limit=4 << 20)
    with pytest.raises(TooLarge):
        check_zip(path, limit=1 << 20)


def test_a_compressed_stream_of_small_lines_has_no_total_limit(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    with gzip.open(docs / "many.jsonl.gz", "wt") as fh:
        for i in range(200):
            fh.write(json.dumps({"id": str(i), "text": f"Record {i} of the ferry log."}) + "\n")
    assert index_paths([docs], tmp_path / "ix").documents == 200


# 5. Chunking is linear in the text ----------------------------------------------------------


@pytest.mark.parametrize(
    "make, run",
    [
        # 300,000 one-letter paragraphs, each going on the sentence before: ~1 s when
        # linear; the quadratic join took 53 s for 100,000 and many minutes for this.
        ("one_letter_paragraphs(300_000)", "chunk_plain(text)"),
        # One 24 MB line with no sentence end: ~1.5 s when linear, 31 s copying the rest
        # of the text after every 4,000-character piece.
        ("one_long_line(24)", "list(split_long(text))"),
    ],
)
def test_chunking_is_linear_in_the_text(make, run):
    script = (
        "from hostile_kit import one_letter_paragraphs, one_long_line\n"
        "from index.chunking import chunk_plain, split_long\n"
        f"text = {make}\n"
        f"{run}\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}  # tests/: hostile_kit
    done = subprocess.run([sys.executable, "-c", script], timeout=20, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr


# 8. Did-you-mean on a long query stays within the time limit -------------------------------


def test_did_you_mean_on_a_long_word_stays_within_the_time_limit(tmp_path, cli):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "long.txt").write_text("q" * 100_000 + " harbour\n\nThe harbour ferry.\n")
    index_paths([docs], tmp_path / "ix")
    # 66 s before: an edit distance in Python on the whole query, outside the limit.
    done = subprocess.run(
        [sys.executable, "-m", "search", "--index", str(tmp_path / "ix"), "-e", "q" * 5000],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert done.returncode in (1, 2), done.stderr
    assert "Traceback" not in done.stderr


def test_did_you_mean_respells_only_within_the_cut_query(tmp_path):
    from search.engine import Engine
    from search.spelling import MAX_WORD_CHARS, respell

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The harbour ferry.\n\nThe harbour master.\n\nA harbour wall.\n")
    index_paths([docs], tmp_path / "ix")
    with Engine(tmp_path / "ix") as engine:
        assert engine.did_you_mean("harbur") == "harbour"
        assert engine.did_you_mean("x " * 1000 + "harbur") is None  # past the 2,000th character
        assert respell(engine, "h" * (MAX_WORD_CHARS + 1)) is None


# 11. The smaller ones ------------------------------------------------------------------------


def test_the_index_and_the_history_are_private_by_default(tmp_path):
    from search.tui.history import QueryHistory

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(GOOD)
    old = os.umask(0o022)
    try:
        index_paths([docs], tmp_path / "data" / "ix")
        QueryHistory(tmp_path / "state" / "history.txt").add("ferry")
        assert os.umask(0o022) == 0o022  # the run put the umask back
    finally:
        os.umask(old)
    for folder in (tmp_path / "data", tmp_path / "data" / "ix", tmp_path / "state"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    made = [*(tmp_path / "data" / "ix").iterdir(), tmp_path / "state" / "history.txt"]
    for file in made:
        assert file.stat().st_mode & 0o077 == 0, (file, oct(file.stat().st_mode))


def test_the_root_folder_is_no_index_folder(tmp_path, cli):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(GOOD)
    done = cli("index", str(docs), "--index", "/")
    assert done.returncode == 2
    assert done.stderr == "search: / cannot be an index folder; choose an empty or new one\n"


def test_a_readers_warnings_are_kept_when_it_gives_up(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "list.json").write_text("[1, 2]")
    report = index_paths([docs], tmp_path / "ix")
    assert [why for _, why in report.skipped] == ["no records with text"]
    assert [why for _, why in report.warnings] == [
        "item 1: not a JSON object",
        "item 2: not a JSON object",
    ]


def test_mostly_utf8_text_with_a_few_bad_bytes_stays_utf8():
    from index.decoding import decode_text

    data = "Le café coûte 2 € à Zürich, déjà.".encode() + b" \x81\xfe " + "Ça va.".encode()
    assert decode_text(data) == "Le café coûte 2 € à Zürich, déjà. \ufffd\ufffd Ça va."
    assert decode_text("Le café coûte 2 £.".encode("cp1252")) == "Le café coûte 2 £."


def test_o_does_not_follow_a_file_replaced_by_a_link_outside_the_folder(tmp_path):
    from search.tui.app import SearchApp
    from tests.tui_helpers import SIZE, run, settle, wait_ready

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(GOOD)
    index_paths([docs], tmp_path / "ix")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the viewer\n")
    (docs / "a.txt").unlink()
    (docs / "a.txt").symlink_to(secret)
    said: list[str] = []

    async def scenario():
        app = SearchApp(index_option=str(tmp_path / "ix"), history_path=None)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await pilot.press(*"ferry")
            await settle(pilot)
            await pilot.press("down", "o")
            await pilot.pause()
            said.extend(str(n.message) for n in app._notifications)

    run(scenario)
    assert any("Not opened" in m and "outside" in m for m in said), said


def test_the_safe_toc_reader_refuses_what_is_no_schema_part():
    import pickle

    from index.manifest import Manifest
    from index.whoosh.safe_toc import UnsafeToc, safe_loads

    for name in ("posix.system", "builtins.eval", "index.manifest.Manifest", "whoosh.lang.stem"):
        module, attr = name.rsplit(".", 1)
        payload = b"\x80\x02c" + module.encode() + b"\n" + attr.encode() + b"\n."
        with pytest.raises(UnsafeToc):
            safe_loads(payload)
    assert Manifest  # a class of ours, but no part of a schema
    assert safe_loads(pickle.dumps({"a": frozenset([1])}, 2)) == {"a": frozenset([1])}


def test_plain_values_cut_metadata_but_never_a_records_text(tmp_path):
    long_text = "The harbour ferry sails at dawn. " * 2000  # 66,000 characters
    (tmp_path / "docs").mkdir()
    record = {"id": "r", "title": "T" * 50_000, "text": long_text, "author": {"a": 1}}
    (tmp_path / "docs" / "r.jsonl").write_text(json.dumps(record) + "\n")
    index_paths([tmp_path / "docs"], tmp_path / "ix")
    rows = stored(tmp_path / "ix")
    assert sum(len(r["text"]) for r in rows) > 60_000
    assert len(rows[0]["title"]) == 10_000 and not rows[0].get("author")
