"""The `search` command: one-shot queries and `search index`.

Exit codes (ripgrep's): 0 something found / indexing succeeded, 1 nothing found,
2 an error (bad arguments, a missing or damaged index, files that failed to index).
Heavy modules (Whoosh, rich) are imported only once a command needs them.
"""

from __future__ import annotations

import argparse
import os
import sys

from index.errors import SearchToolError

PROG = "search"
EXIT_FOUND, EXIT_NOT_FOUND, EXIT_ERROR = 0, 1, 2
SUBCOMMANDS = ("index",)


def warn(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line error (it already does) and no usage dump."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_ERROR, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def query_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=PROG,
        description="Find paragraphs in your documents. Several words mean all of them.",
        epilog="Other commands: 'search index PATH...' adds or updates documents. "
        'Query syntax: words (AND), OR, NOT/-word, "a phrase", "a phrase"~3, '
        "field:value (title, heading, path, source, date...), cease*, ceasfire~.",
    )
    p.add_argument("query", nargs="*", help="the words to find")
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
        default=10,
        metavar="N",
        help="show at most N paragraphs (default 10)",
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
        default="auto",
        help="colour the output (auto: on a terminal, unless NO_COLOR is set)",
    )
    p.add_argument(
        "--index",
        metavar="DIR",
        help="index folder (default: $SEARCH_INDEX, "
        "else a per-user folder, built from the bundled samples on first use)",
    )
    return p


def index_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=f"{PROG} index",
        description="Add or update documents. Unchanged files are skipped; files gone "
        "from a folder given again are removed from the index.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files and folders (recursive)")
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
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    p.add_argument(
        "-w",
        "--watch",
        action="store_true",
        help="after indexing, keep following changes to PATH... until Ctrl+C",
    )
    return p


def use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] == "index":
            return run_index(index_parser().parse_args(argv[1:]))
        return run_query(query_parser().parse_args(argv))
    except SearchToolError as exc:
        warn(str(exc))
        return EXIT_ERROR
    except KeyboardInterrupt:
        warn("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`search x | head`); that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FOUND


def run_query(args: argparse.Namespace) -> int:
    text = " ".join([*args.query, *args.explicit]).strip()
    if not text:
        warn("no query given; usage: search QUERY... | search index PATH... (see --help)")
        return EXIT_ERROR
    if args.limit < 0:
        warn("--limit must be 0 or more")
        return EXIT_ERROR
    from search.opening import ensure_index
    from search.query import EmptyQuery

    wants_all = args.files_with_matches or args.count
    with ensure_index(args.index, warn) as engine:
        try:
            result = engine.search(text, limit=None if wants_all else args.limit)
        except EmptyQuery as exc:
            warn(str(exc))
            return EXIT_ERROR
    if not args.json:
        for notice in result.notices:
            warn(notice)
    if args.json:
        from search.render import print_json

        print_json(result)
    elif args.count:
        print(result.total)
    elif args.files_with_matches:
        seen: dict[str, None] = {}
        for hit in result.hits:
            seen.setdefault(hit.path)
        print("\n".join(seen))
    elif use_color(args.color, sys.stdout):
        from search.render import print_styled

        print_styled(result)
    else:
        from search.render import print_plain

        print_plain(result)
    if not (args.json or wants_all) and sys.stdout.isatty():
        shown = len(result.hits)
        warn(
            f"{result.total} paragraph{'s' * (result.total != 1)} match"
            f"{'es' * (result.total == 1)}, {shown} shown, {result.elapsed_ms:.0f} ms"
        )
    return EXIT_FOUND if result.total else EXIT_NOT_FOUND


def run_index(args: argparse.Namespace) -> int:
    from index.locations import chosen_index_dir

    index_dir, _ = chosen_index_dir(args.index)
    if args.watch:
        from search.watching import run_watch

        return run_watch(args.paths, index_dir, lambda: _index_once(args, index_dir))
    report = _index_once(args, index_dir)
    return EXIT_ERROR if report.errors else EXIT_FOUND


def _index_once(args: argparse.Namespace, index_dir):
    """One indexing run with its progress bar and end-of-run report."""
    from index.indexer import index_paths

    progress = None
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from search.progress import ProgressBar

        bar = ProgressBar()
        progress = bar.update
    try:
        report = index_paths(
            args.paths,
            index_dir,
            rebuild=args.rebuild,
            prune=not args.no_prune,
            prune_everywhere=args.prune,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.close()
    from search.index_report import print_report

    print_report(report, index_dir, quiet=args.quiet)
    return report
