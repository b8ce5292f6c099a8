"""Incremental indexing on real files: skip, replace, prune, never duplicate."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import FIXTURES, SEEDS
from indexinspect import paragraph_keys, stored, texts_of

from index.errors import SearchToolError
from index.indexer import index_paths
from index.locations import default_index_dir


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archive"
    shutil.copytree(FIXTURES / "archive", folder)
    return folder


def no_duplicates(index_dir) -> bool:
    return all(n == 1 for n in paragraph_keys(index_dir).values())


def test_indexes_txt_md_jsonl_with_fields(archive, tmp_path):
    ix = tmp_path / "ix"
    report = index_paths([archive], ix)
    assert report.errors == [] and report.files_indexed == 3
    assert report.documents == 5  # 1 txt + 1 md + 3 JSONL records
    docs = stored(ix)
    by_doc = {}
    for d in docs:
        by_doc.setdefault(d["doc_id"], []).append(d)
    assert set(by_doc) == {
        "dispatch-geneva.txt",
        "reports/harbour-survey.md",
        "wire-001",
        "wire-002",
        "wire-003",
    }
    md = sorted(by_doc["reports/harbour-survey.md"], key=lambda d: d["paragraph"])
    assert md[0]["title"] == "Harbour Survey 2023"
    assert [d["heading"] for d in md] == ["", "Findings", "Findings", "Recommendations"]
    assert md[0]["path"] == "reports/harbour-survey.md"
    wire = by_doc["wire-002"][0]
    assert wire["title"] == "Central bank holds rates"
    assert wire["date"].year == 2024 and wire["source"] == "Example Wire"
    assert wire["path"] == "wire.jsonl"
    # no absolute paths stored in paragraphs
    assert all(not d["path"].startswith("/") for d in docs)


def test_rerun_skips_unchanged_files(archive, tmp_path):
    ix = tmp_path / "ix"
    first = index_paths([archive], ix)
    again = index_paths([archive], ix)
    assert again.unchanged == 3 and again.files_indexed == 0 and again.removed == 0
    assert again.total_paragraphs == first.total_paragraphs
    assert no_duplicates(ix)


def test_files_indexed_under_older_paragraph_rules_are_read_again(archive, tmp_path, monkeypatch):
    # An upgrade that chunks differently (index.manifest.PARAGRAPH_RULES) must not leave
    # old paragraphs behind as "unchanged": each file is read once more, then skipped.
    import index.manifest

    ix = tmp_path / "ix"
    first = index_paths([archive], ix)
    monkeypatch.setattr(index.manifest, "PARAGRAPH_RULES", index.manifest.PARAGRAPH_RULES + 1)
    upgraded = index_paths([archive], ix)
    assert (upgraded.files_indexed, upgraded.unchanged) == (3, 0)
    assert upgraded.total_paragraphs == first.total_paragraphs
    assert no_duplicates(ix)
    assert index_paths([archive], ix).unchanged == 3


def test_modified_file_replaces_only_its_paragraphs(archive, tmp_path):
    ix = tmp_path / "ix"
    index_paths([archive], ix)
    before = {d["doc_id"]: d for d in stored(ix) if d["paragraph"] == 1}
    target = archive / "dispatch-geneva.txt"
    target.write_text(target.read_text() + "\nA new paragraph about Vienna was added.\n")
    report = index_paths([archive], ix)
    assert report.files_indexed == 1 and report.unchanged == 2
    assert texts_of(ix, "dispatch-geneva.txt")[-1] == "A new paragraph about Vienna was added."
    assert len(texts_of(ix, "dispatch-geneva.txt")) == 4
    assert no_duplicates(ix)
    after = {d["doc_id"]: d for d in stored(ix) if d["paragraph"] == 1}
    assert after["wire-001"] == before["wire-001"]


def test_same_size_and_mtime_but_new_content_is_reindexed(archive, tmp_path):
    ix = tmp_path / "ix"
    index_paths([archive], ix)
    target = archive / "dispatch-geneva.txt"
    st = target.stat()
    target.write_text(target.read_text().replace("Vienna", "Zurich"))  # same length
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert target.stat().st_size == st.st_size
    report = index_paths([archive], ix)
    assert report.files_indexed == 1
    assert any("Zurich" in t for t in texts_of(ix, "dispatch-geneva.txt"))


def test_touch_alone_does_not_reindex(archive, tmp_path):
    ix = tmp_path / "ix"
    index_paths([archive], ix)
    os.utime(archive / "wire.jsonl")
    assert index_paths([archive], ix).unchanged == 3


def test_deleted_file_is_pruned_from_a_folder_given_again(archive, tmp_path):
    ix = tmp_path / "ix"
    index_paths([archive], ix)
    (archive / "wire.jsonl").unlink()
    report = index_paths([archive], ix)
    assert report.removed == 1
    assert {d["path"] for d in stored(ix)} == {"dispatch-geneva.txt", "reports/harbour-survey.md"}


def test_no_prune_keeps_documents_of_vanished_files(archive, tmp_path):
    ix = tmp_path / "ix"
    index_paths([archive], ix)
    (archive / "wire.jsonl").unlink()
    report = index_paths([archive], ix, prune=False)
    assert report.removed == 0
    assert "wire.jsonl" in {d["path"] for d in stored(ix)}


def test_prune_everywhere_reaches_folders_not_given(archive, tmp_path):
    ix = tmp_path / "ix"
    other = tmp_path / "other"
    other.mkdir()
    (other / "note.txt").write_text("A short note about the harbour ferry timetable.\n")
    index_paths([archive], ix)
    index_paths([other], ix)
    (archive / "wire.jsonl").unlink()
    report = index_paths([other], ix, prune_everywhere=True)
    assert report.removed == 1
    assert "wire.jsonl" not in {d["path"] for d in stored(ix)}


def test_subfolder_then_parent_never_duplicates(archive, tmp_path):
    ix = tmp_path / "ix"
    index_paths([archive / "reports"], ix)
    index_paths([archive], ix)
    index_paths([archive / "reports" / "harbour-survey.md"], ix)
    assert no_duplicates(ix)
    docs = stored(ix)
    assert sum(1 for d in docs if d["doc_id"].endswith("harbour-survey.md")) == 4


def test_rebuild_starts_over(archive, tmp_path):
    ix = tmp_path / "ix"
    index_paths([archive], ix)
    report = index_paths([archive / "reports"], ix, rebuild=True)
    assert report.total_documents == 1
    assert {d["path"] for d in stored(ix)} == {"harbour-survey.md"}


def test_seeds_leave_the_default_index_when_the_user_adds_files(archive):
    ix = default_index_dir()
    index_paths([SEEDS], ix, seeds=True)
    report = index_paths([archive], ix)
    assert any("sample documents" in n for n in report.notes)
    paths = {d["path"] for d in stored(ix)}
    assert not any(p.startswith("000_") for p in paths)
    assert "dispatch-geneva.txt" in paths


def test_rebuild_and_create_never_touch_foreign_files(archive, tmp_path):
    ix = tmp_path / "ix"
    index_paths([archive], ix)
    keep = ix / "my-notes.txt"
    keep.write_text("not the index's")
    index_paths([archive], ix, rebuild=True)
    assert keep.read_text() == "not the index's"
    busy = tmp_path / "Documents"
    busy.mkdir()
    (busy / "letter.txt").write_text("Dear reader,")
    with pytest.raises(SearchToolError, match="not empty and is not a search index"):
        index_paths([archive], busy)
    assert [p.name for p in busy.iterdir()] == ["letter.txt"]
