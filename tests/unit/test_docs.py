"""The README documents every option of every command in its tables (after
sqlite-utils' tests/test_docs.py): adding an option without a README row fails here."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

from search.cli.arguments import SUBCOMMANDS, index_parser, query_parser, tui_parser
from search.cli.subcommands import config_parser, fields_parser, info_parser

README = (REPO / "README.md").read_text(encoding="utf-8")


def table_options(text: str) -> set[str]:
    """Every `-x`/`--option` written in backticks in a table row of `text`."""
    rows = "\n".join(line for line in text.splitlines() if line.startswith("|"))
    found = set()
    for cell in re.findall(r"`([^`]*)`", rows):
        found.update(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", cell))
    return found


PARSERS = {
    "search": query_parser,
    "search index": index_parser,
    "search tui": tui_parser,
    "search info": info_parser,
    "search fields": fields_parser,
    "search config": config_parser,
}
OPTIONS = [
    (command, option)
    for command, make in PARSERS.items()
    for action in make()._actions
    if action.dest != "help"
    for option in action.option_strings
]


@pytest.mark.parametrize(("command", "option"), OPTIONS)
def test_every_option_is_in_a_readme_table(command, option):
    assert option in table_options(README), f"{command} {option} is not in a README table"


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_command_is_in_the_readme(command):
    assert f"search {command}" in README


def test_the_check_notices_a_missing_option():
    without = README.replace("`--per-doc N`", "`N`")
    assert "--per-doc" not in table_options(without)
    assert "--per-doc" in table_options(README)
