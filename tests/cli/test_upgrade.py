"""An index written by an older version of the tool (another format number): the
bundled samples are rebuilt by themselves; the person's own index gives one line
that says how, and `search index --rebuild` rebuilds it from the files it lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.locations import default_index_dir
from index.whoosh.schema import SCHEMA_VERSION
from search.cli.main import main


def make_old(index_dir: Path) -> None:
    (index_dir / "search-index.json").write_text(
        json.dumps({"schema_version": SCHEMA_VERSION - 1}) + "\n"
    )


@pytest.fixture
def docs(tmp_path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.txt").write_text("Organism study\n\nThe organism grows in water.\n\nAn organ.\n")
    (docs / "sub" / "b.txt").write_text("International talks\n\nThe intern arrived.\n")
    (docs / "gone.txt").write_text("Short note\n\nA file deleted before the rebuild.\n")
    return docs


def count(query: str, *args: str, capsys) -> int:
    main([query, "-c", *args])
    return int(capsys.readouterr().out or 0)


def test_own_index_of_an_older_version_says_how_and_rebuilds_from_its_files(docs, tmp_path, capsys):
    ix = tmp_path / "ix"
    assert (
        main(
            [
                "index",
                str(docs / "a.txt"),
                str(docs / "gone.txt"),
                str(docs / "sub"),
                "--index",
                str(ix),
                "-q",
            ]
        )
        == 0
    )
    (docs / "stray.txt").write_text("Stray\n\nAn organism nobody asked to index.\n")
    (docs / "gone.txt").unlink()
    make_old(ix)

    assert main(["organism", "--index", str(ix)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "another version" in err[0]
    assert f"search index --rebuild --index {ix}" in err[0]

    assert main(["index", "--rebuild", "--index", str(ix)]) == 0
    report = capsys.readouterr().err
    assert "1 removed" in report  # gone.txt
    assert count("organism", "--index", str(ix), capsys=capsys) == 2  # a.txt only, not stray.txt
    assert count("international", "--index", str(ix), capsys=capsys) == 1  # b.txt, under sub/

    # The folder it was given is still one of its folders: a new file there is added,
    # and the file given alone did not make its folder one (stray.txt stays out).
    (docs / "sub" / "c.txt").write_text("More talks\n\nAn international organism.\n")
    assert main(["index", str(docs / "sub"), "--index", str(ix), "-q"]) == 0
    assert count("organism", "--index", str(ix), capsys=capsys) == 3


def test_the_sample_index_of_an_older_version_is_rebuilt_by_itself(capsys):
    assert main(["ceasefire", "-c"]) == 0
    assert capsys.readouterr().out.strip() == "2"
    make_old(default_index_dir())
    assert main(["ceasefire", "-c"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2"
    assert "rebuilding the sample index" in err


def test_the_persons_default_index_is_not_rebuilt_without_asking(docs, capsys):
    assert main(["index", str(docs), "-q"]) == 0
    make_old(default_index_dir())
    assert main(["organism"]) == 2
    err = capsys.readouterr().err
    assert "search index --rebuild" in err and "--index" not in err  # the default: no --index
    assert main(["index", "--rebuild"]) == 0
    capsys.readouterr()
    assert count("organism", capsys=capsys) == 2


def test_index_without_paths_is_a_one_line_error(tmp_path, capsys):
    assert main(["index", "--index", str(tmp_path / "ix")]) == 2
    assert "give the files and folders" in capsys.readouterr().err
    assert main(["index", "--rebuild", "--index", str(tmp_path / "ix")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "lists no files" in err[0]


def test_rebuild_without_paths_and_a_damaged_file_list_says_to_give_them(docs, tmp_path, capsys):
    ix = tmp_path / "ix"
    assert main(["index", str(docs), "--index", str(ix), "-q"]) == 0
    manifest = ix / "manifest.sqlite3"
    data = bytearray(manifest.read_bytes())
    data[100:4000] = b"\xff" * 3900
    manifest.write_bytes(bytes(data))
    assert main(["index", "--rebuild", "--index", str(ix)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "search index --rebuild PATH..." in err[0]
    assert main(["index", "--rebuild", str(docs), "--index", str(ix), "-q"]) == 0
    capsys.readouterr()
    assert count("organism", "--index", str(ix), capsys=capsys) == 2
