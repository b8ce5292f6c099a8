"""The `search` command's arguments: the query, `search index` and `search tui`.

What each option means is here; what the command then does is search.cli.main.
"""

from __future__ import annotations

import argparse
import sys

from search.results import SORTS

PROG = "search"
EXIT_FOUND, EXIT_NOT_FOUND, EXIT_ERROR = 0, 1, 2
SUBCOMMANDS = ("index", "tui", "info", "fields", "config")


def warn(message: str) -> None:
    """One line on stderr; paths and words in it may come from file names or documents."""
    from search.display.printable import printable

    print(f"{PROG}: {printable(message)}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line error (it already does) and no usage dump."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_ERROR, f"{self.prog}: {message} (see '{self.prog} --help')\n")


class _Version(argparse.Action):
    """`--version`: the installed package's version, looked up only when asked."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("archive-search")
        except PackageNotFoundError:
            number = "unknown (not installed)"
        print(f"{PROG} (archive-search) {number}")
        parser.exit(0)


def query_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Find paragraphs in your documents. Several words mean all of them.",
        epilog="Other commands: 'search index PATH...' adds or updates documents; "
        "'search tui [QUERY...]' (or 'search' alone on a terminal) opens the terminal app; "
        "'search info', 'search fields [FIELD]' say what the index holds; 'search config' "
        "shows the settings (config.toml) and where each came from. "
        'Query syntax: words (AND), OR, NOT/-word, +word, (groups), "a phrase", '
        '"a phrase"~3, ceasefire NEAR moscow, field:value (title, heading, path, source, '
        "date...), cease*, ceasfire~, date:[2024-01 TO 2024-06], paragraph:>2. "
        "Paragraphs with every word come first, then those with some (marked with what they miss).",
    )
    p.add_argument("query", nargs="*", help="the words to find")
    p.add_argument("--version", action=_Version, help="print the version and exit")
    p.add_argument(
        "-e",
        "--query",
        dest="explicit",
        action="append",
        default=[],
        metavar="QUERY",
        help="a query that starts with '-' or names a command",
    )
    p.add_argument(
        "-n",
        "--limit",
        type=int,
        default=None,  # search.config fills in the file's value or the default
        metavar="N",
        help="show at most N paragraphs (default 10)",
    )
    p.add_argument(
        "--per-doc",
        type=int,
        default=None,
        metavar="N",
        help="show at most N paragraphs of one document (default 3; 0: no limit)",
    )
    p.add_argument(
        "-C",
        "--context",
        type=int,
        default=0,
        metavar="N",
        help="also show the N paragraphs before and after each hit in its document",
    )
    p.add_argument(
        "--sort",
        choices=SORTS,
        default=None,
        help="order of the hits: by score (default), or by date, newest or oldest "
        "first (paragraphs with every word; undated ones last)",
    )
    p.add_argument(
        "--all-copies",
        action="store_true",
        help="show each paragraph whose text another hit already has (by default it is "
        "shown once, with where else it is)",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="under each hit, the words it matched and missed and their share of its score",
    )
    p.add_argument(
        "--fill",
        action="store_true",
        default=None,
        help="two-word queries too: after the paragraphs with both words, fill up to the "
        "limit with paragraphs that have one (the default from three words on)",
    )
    p.add_argument(
        "--no-fill",
        dest="fill",
        action="store_false",
        help="two-word queries only their paragraphs with both words, whatever the config "
        "file's `fill` says",
    )
    p.add_argument(
        "--expand",
        action="store_true",
        help="also search for words common in the best paragraphs (pseudo-relevance feedback)",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop a search after this long and say its results are partial "
        "(default 1; 0: no limit, for exact counts of slow wildcard queries)",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument(
        "--json", action="store_true", help="one JSON object per hit, then a summary object"
    )
    out.add_argument(
        "-l",
        "--files-with-matches",
        action="store_true",
        help="print only the paths of documents that match",
    )
    out.add_argument(
        "-c", "--count", action="store_true", help="print only the number of matching paragraphs"
    )
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default=None,
        help="colour the output (auto: on a terminal, unless NO_COLOR is set)",
    )
    p.add_argument(
        "--index",
        metavar="DIR",
        help="index folder (default: $SEARCH_INDEX, then the config file, "
        "else a per-user folder, built from the bundled samples on first use)",
    )
    p.add_argument(
        "--print-completion",
        choices=("bash", "zsh", "fish"),
        metavar="SHELL",
        help="print the completion script for bash, zsh or fish, and exit",
    )
    return p


def index_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=f"{PROG} index",
        description="Add or update documents. Unchanged files are skipped; files gone "
        "from a folder given again are removed from the index.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files and folders (recursive); none with --rebuild: the files the index lists",
    )
    p.add_argument("--index", metavar="DIR", help="index folder (as for a query)")
    p.add_argument("--rebuild", action="store_true", help="start the index over")
    prune = p.add_mutually_exclusive_group()
    prune.add_argument(
        "--prune",
        action="store_true",
        help="also remove vanished files under every other indexed folder",
    )
    prune.add_argument(
        "--no-prune", action="store_true", help="keep documents whose files are gone"
    )
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="also follow symbolic links that point outside the folders given",
    )
    p.add_argument(
        "-j",
        "--procs",
        type=_procs,
        default=None,
        metavar="N",
        help="writing processes (default: all cores, up to 4, when there is at least "
        "4 MiB to read; 1 otherwise)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument(
        "-w",
        "--watch",
        action="store_true",
        help="after indexing, keep following changes to PATH... until Ctrl+C",
    )
    return p


def tui_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=f"{PROG} tui",
        description="Search as you type in a terminal app, and read hits in their document.",
    )
    p.add_argument("query", nargs="*", help="a query to start with")
    p.add_argument("--index", metavar="DIR", help="index folder (as for a query)")
    p.add_argument(
        "-n", "--limit", type=int, default=50, metavar="N", help="show at most N hits (default 50)"
    )
    return p


def _procs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {value!r}")
    return n


def attach_query_values(argv: list[str]) -> list[str]:
    """`-e -oil` as `--query=-oil`: argparse takes a value that starts with '-' for an
    option, and a query starting with '-' is what `-e` is for."""
    out: list[str] = []
    rest = iter(argv)
    for arg in rest:
        if arg == "--":
            out += [arg, *rest]
            break
        value = next(rest, None) if arg in ("-e", "--query") else None
        out.append(arg if value is None else f"--query={value}")
    return out
