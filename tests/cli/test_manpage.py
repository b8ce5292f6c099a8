"""The man page: generated from the parsers and the README, committed, and in the wheel."""

from __future__ import annotations

import importlib.util
import subprocess
import zipfile

from conftest import REPO

PAGE = REPO / "share" / "man" / "man1" / "search.1"


def _generator():
    spec = importlib.util.spec_from_file_location("make_manpage", REPO / "tools/make_manpage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_page_is_what_the_parsers_and_readme_give():
    assert PAGE.read_text(encoding="utf-8") == _generator().render(), (
        "share/man/man1/search.1 is out of date: run python tools/make_manpage.py"
    )


def test_the_page_documents_every_option_command_and_readme_example():
    from search.cli.completion import command_tree

    text = PAGE.read_text(encoding="utf-8").replace("\\-", "-")
    tree = command_tree()
    parsers = [tree, *tree._subparsers._group_actions[0].choices.values()]
    for parser in parsers:
        for action in parser._actions:
            if action.dest == "help":
                continue
            for option in action.option_strings:
                assert option in text, option
    for command in ("search index", "search info", "search fields", "search config"):
        assert f"COMMAND \\fI\\,'{command}'" in text
    for example in _generator().readme_examples((REPO / "README.md").read_text()):
        assert f"$ {example}" in text
    assert ".SH EXAMPLES" in text and ".SH QUERY SYNTAX" in text


def test_man_renders_it_without_warnings(tmp_path):
    import shutil

    import pytest

    if not shutil.which("man"):
        pytest.skip("man is not installed here")
    out = subprocess.run(
        ["man", "--warnings", "-l", str(PAGE)],
        capture_output=True,
        text=True,
        env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin", "MAN_KEEP_FORMATTING": "0"},
    )
    assert out.returncode == 0
    assert "search - find paragraphs" in out.stdout
    assert out.stderr == ""


def test_the_wheel_installs_it_as_share_man_man1(tmp_path):
    from hatchling.builders.wheel import WheelBuilder

    wheel = next(WheelBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"]))
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.endswith("share/man/man1/search.1")]
        assert names == ["archive_search-0.1.0.data/data/share/man/man1/search.1"]
        assert zf.read(names[0]).decode() == PAGE.read_text(encoding="utf-8")
