"""Completion scripts from the parser (shtab): generated, loadable, and they complete
options, commands and field names. zsh and fish are tried when installed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from search.cli.arguments import index_parser, query_parser
from search.cli.main import main


def script(capsys, shell: str, tmp_path):
    assert main(["--print-completion", shell]) == 0
    path = tmp_path / f"search.{shell}"
    path.write_text(capsys.readouterr().out)
    return path


def bash_complete(path, *words: str) -> list[str]:
    words_array = " ".join(f"'{w}'" for w in words)
    code = (
        f"source {path}; COMP_WORDS=({words_array}); COMP_CWORD={len(words) - 1}; "
        '_search_complete; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    out = subprocess.run(["bash", "-c", code], capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if line]


def test_bash_script_parses_and_completes(capsys, tmp_path):
    path = script(capsys, "bash", tmp_path)
    subprocess.run(["bash", "-n", str(path)], check=True)
    assert bash_complete(path, "search", "tit") == ["title:"]
    assert bash_complete(path, "search", "--sor") == ["--sort"]
    assert bash_complete(path, "search", "--sort", "n") == ["newest"]
    assert set(bash_complete(path, "search", "in")) == {"index", "info"}
    assert bash_complete(path, "search", "index", "--pr") == ["--prune", "--procs"]


def test_every_option_of_every_parser_is_in_the_bash_script(capsys, tmp_path):
    text = script(capsys, "bash", tmp_path).read_text()
    import re

    from search.cli.subcommands import fields_parser, info_parser

    parsers = {"": query_parser(), "_index": index_parser(), "_info": info_parser()}
    parsers["_fields"] = fields_parser()
    for suffix, parser in parsers.items():
        listed = re.search(rf"^_shtab_search{suffix}_option_strings=\((.*)\)$", text, re.M)
        wanted = {o for action in parser._actions for o in action.option_strings}
        assert set(listed.group(1).split()) == wanted


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed here")
def test_zsh_script_parses_and_loads(capsys, tmp_path):
    path = script(capsys, "zsh", tmp_path)
    subprocess.run(["zsh", "-n", str(path)], check=True)
    code = f"autoload -U compinit && compinit -u -D && source {path} && whence -w _shtab_search"
    out = subprocess.run(
        ["zsh", "-fc", code],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert "_shtab_search: function" in out.stdout
    assert "title: " in path.read_text()


@pytest.mark.skipif(not shutil.which("fish"), reason="fish is not installed here")
def test_fish_script_parses_and_completes(capsys, tmp_path):
    path = script(capsys, "fish", tmp_path)
    subprocess.run(["fish", "-n", str(path)], check=True)

    def complete(line: str) -> list[str]:
        out = subprocess.run(
            ["fish", "--no-config", "-c", f"source {path}; complete -C '{line}'"],
            capture_output=True,
            text=True,
            check=True,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )
        return [line.split("\t")[0] for line in out.stdout.splitlines()]

    assert complete("search tit") == ["title:"]
    assert complete("search --sort ") == ["score", "newest", "oldest"]
    assert {"info", "index"} <= set(complete("search in"))


def test_an_unknown_shell_is_a_one_line_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--print-completion", "csh"])
    assert exit_.value.code == 2
    assert "invalid choice: 'csh'" in capsys.readouterr().err
