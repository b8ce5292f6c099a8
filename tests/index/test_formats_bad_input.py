"""Broken and hostile files: each is reported, the run goes on, nothing indexed is lost."""

from __future__ import annotations

import archive_fixtures as af

from index.indexer import index_paths
from index.manifest import Manifest


def reasons(entries, name: str) -> str:
    return " ".join(reason for path, reason in entries if path.endswith(name))


def test_every_kind_of_bad_input_is_reported_and_the_rest_indexes(tmp_path):
    folder = tmp_path / "archive"
    bad = af.make_bad(folder)
    index_dir = tmp_path / "index"

    report = index_paths([folder], index_dir)

    assert "password" in reasons(report.errors, "locked.pdf")
    assert "not a readable PDF" in reasons(report.errors, "truncated.pdf")
    assert "Word document" in reasons(report.errors, "not-really.docx")
    assert "no article text" in reasons(report.skipped, "empty-page.html")
    assert "memory bounded" in reasons(report.skipped, "huge.txt")
    assert "symbolic link loop" in reasons(report.warnings, "again")
    # The good files went in, the looped folder's file once.
    with Manifest(index_dir) as manifest:
        indexed = sorted(e.relpath for e in manifest.files().values())
    assert indexed == ["good.pdf", "loop/inner.txt"]
    assert bad["huge"].stat().st_size == 200 * 1024 * 1024


def test_a_file_that_turns_bad_keeps_the_rest_of_the_index(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    good = af.make_pdf(folder, "report.pdf")
    af.make_docx(folder)
    index_dir = tmp_path / "index"
    first = index_paths([folder], index_dir)
    assert first.files_indexed == 2 and not first.errors

    # The PDF is damaged by a bad copy: reported, and the docx stays searchable.
    good.write_bytes(good.read_bytes()[:500])
    second = index_paths([folder], index_dir)
    assert reasons(second.errors, "report.pdf")
    assert second.unchanged == 1

    from search.engine import Engine

    with Engine(index_dir) as engine:
        assert engine.search("mackerel").total == 1
        # The damaged file's old paragraphs stay until it can be read again.
        assert engine.search("leakage").total == 1


def test_cli_reports_bad_files_on_one_line_each_and_exits_2(tmp_path, cli):
    folder = tmp_path / "archive"
    af.make_bad(folder)
    result = cli("index", str(folder), "--index", str(tmp_path / "index"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    error_lines = [ln for ln in result.stderr.splitlines() if ln.startswith("search: error:")]
    assert len(error_lines) == 3
    assert "indexed 2 documents" in result.stderr
