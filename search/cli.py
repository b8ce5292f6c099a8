"""The `search` command: one-shot queries and `search index`.

Exit codes (ripgrep's): 0 something found / indexing succeeded, 1 nothing found,
2 an error (bad arguments, a missing or damaged index, files that failed to index).
Heavy modules (Whoosh, rich) are imported only once a command needs them.
"""

from __future__ import annotations

import argparse
import os
import sys

from search.lean_imports import lean_dataclasses

lean_dataclasses()  # before anything imports dataclasses: it would import inspect

from index.errors import SearchToolError  # noqa: E402
from search.sorting import SORTS  # noqa: E402

PROG = "search"
EXIT_FOUND, EXIT_NOT_FOUND, EXIT_ERROR = 0, 1, 2
MAX_CONTEXT = 100  # paragraphs each side: -C is for reading around a hit, not dumping files
SUBCOMMANDS = ("index", "tui", "info", "fields", "config")


def warn(message: str) -> None:
    """One line on stderr; paths and words in it may come from file names or documents."""
    from search.printable import printable

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


def use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty() and os.environ.get("TERM") != "dumb"


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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    indexing = bool(argv) and argv[0] == "index"
    args = None
    try:
        if indexing:
            args = index_parser().parse_args(argv[1:])
            from search.config import apply

            apply(args, ("index",))
            return run_index(args)
        if argv and argv[0] == "tui":
            args = tui_parser().parse_args(argv[1:])
            return run_tui(" ".join(args.query), args.index, args.limit)
        if argv and argv[0] in SUBCOMMANDS:  # info, fields, config
            from search.subcommands import run_subcommand

            return run_subcommand(argv[0], argv[1:])
        args = query_parser().parse_args(attach_query_values(argv))
        if args.print_completion:
            from search.completion import print_completion

            return print_completion(args.print_completion)
        from search.config import QUERY_KEYS, apply

        apply(args, QUERY_KEYS)
        return run_query(args)
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
    except Exception as exc:  # never a traceback: say what broke, in one line
        warn(explain_failure(exc, getattr(args, "index", None), indexing))
        return EXIT_ERROR


def explain_failure(exc: Exception, index_option: str | None, indexing: bool) -> str:
    """One line for an unexpected error: a damaged index (Whoosh reads segment files
    lazily, so damage can first show mid-query), a system error, or a bug of ours."""
    from index.locations import chosen_index_dir
    from index.storage import damaged, index_exists, verify_index

    detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
    index_dir, _ = chosen_index_dir(index_option)
    if index_exists(index_dir):
        try:
            verify_index(index_dir)
        except SearchToolError as damage:
            return str(damage)
        except Exception as other:  # the check itself could not read the index
            return str(damaged(index_dir, f"unreadable: {type(other).__name__}"))
    if isinstance(exc, OSError):
        action = "write to" if indexing else "read"
        return f"could not {action} {exc.filename or index_dir}: {exc.strerror or exc}"
    return f"internal error ({detail}); please report it"


def run_query(args: argparse.Namespace) -> int:
    # argparse hands `--query=--` over as an empty list, not a string
    explicit = [q if isinstance(q, str) else " ".join(q) for q in args.explicit]
    text = " ".join([*args.query, *explicit]).strip()
    if not text:
        if sys.stdin.isatty() and sys.stdout.isatty():
            return run_tui("", args.index, 50)
        warn(
            "no query given; usage: search QUERY... | search index PATH... | "
            "search tui [QUERY...] (see --help)"
        )
        return EXIT_ERROR
    if args.limit < 0:
        warn("--limit must be 0 or more")
        return EXIT_ERROR
    if args.per_doc < 0:
        warn("--per-doc must be 0 or more")
        return EXIT_ERROR
    if not 0 <= args.context <= MAX_CONTEXT:
        warn(f"--context must be between 0 and {MAX_CONTEXT} paragraphs")
        return EXIT_ERROR
    if args.time_limit is not None and not args.time_limit >= 0:
        warn("--time-limit must be 0 (no limit) or more seconds")
        return EXIT_ERROR
    from search.lean_imports import import_whoosh

    import_whoosh()
    from search.opening import ensure_index
    from search.query import EmptyQuery

    wants_all = args.files_with_matches or args.count
    with ensure_index(args.index, warn) as engine:
        if args.time_limit is not None:
            finite = 0 < args.time_limit < float("inf")
            engine.time_limit = args.time_limit if finite else None
        try:
            if wants_all:
                return print_matches(engine, text, args.count)
            result = engine.search(
                text,
                # Whoosh refuses limit=0; "-n 0" still wants the count and the exit code.
                limit=max(args.limit, 1),
                per_doc=args.per_doc,
                explain=args.explain,
                expand=args.expand,
                partial=True if args.fill else None,
                context=args.context if args.limit else 0,
                sort=args.sort,
                dedupe=not args.all_copies,
            )
        except EmptyQuery as exc:
            warn(str(exc))
            return EXIT_ERROR
    if args.limit == 0:
        result.hits = []
    if not args.json:
        for notice in result.notices:
            warn(notice)
        if result.suggestion:
            warn(f"did you mean: {result.suggestion}")
    if args.json:
        from search.render import print_json

        print_json(result)
    elif use_color(args.color, sys.stdout):
        from search.render import print_styled

        print_styled(result, explain=args.explain)
    else:
        from search.render import print_plain

        print_plain(result, explain=args.explain)
    if not args.json and sys.stdout.isatty():
        shown = len(result.hits)
        warn(
            f"{result.total} paragraph{'s' * (result.total != 1)} match"
            f"{'es' * (result.total == 1)}, {shown} shown, {result.elapsed_ms:.0f} ms"
        )
    if result.partial and not result.total:
        warn(UNKNOWN)
        return EXIT_ERROR
    return EXIT_FOUND if result.total else EXIT_NOT_FOUND


# A search stopped at the time limit with nothing found: "no match" (exit 1) would be a
# guess, and scripts read exit 1 as a fact.
UNKNOWN = "nothing was found before the search was stopped; whether anything matches is unknown"


def print_matches(engine, text: str, count_only: bool) -> int:
    """`-c` / `-l`: the paragraphs with every word (any, when none has all), counted
    or reduced to document paths, unranked (search.counting), within the time limit:
    a figure or list it cut short says so on stderr and exits as a stopped search
    does (0 with what it found, 2 when it found nothing: "none" would be a guess)."""
    if count_only:
        total, notices, partial = engine.count_matches(text)
        paths: list[str] = []
    else:
        paths, notices, partial = engine.matching_paths(text)
        total = len(paths)
    for notice in notices:
        warn(notice)
    if partial and not total:
        warn(UNKNOWN)
        return EXIT_ERROR
    if count_only:
        print(total)
    elif paths:
        from search.printable import printable

        # A file name can hold any character: never an escape sequence for the terminal.
        print("\n".join(dict.fromkeys(printable(path) for path in paths)))
    return EXIT_FOUND if total else EXIT_NOT_FOUND


def run_tui(query: str, index_option: str | None, limit: int) -> int:
    """The terminal app; it needs a terminal on both ends."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        warn("'search tui' needs a terminal; for scripts use: search QUERY...")
        return EXIT_ERROR
    if limit < 1:
        warn("--limit must be 1 or more")
        return EXIT_ERROR
    from search.config import APP_KEYS, apply
    from search.tui import run_app

    app = argparse.Namespace(index=index_option, fill=None, sort=None, theme=None)
    config = apply(app, APP_KEYS)
    return run_app(query, app.index, limit, app.fill, app.sort, app.theme, config.path)


def run_index(args: argparse.Namespace) -> int:
    from index.locations import chosen_index_dir

    index_dir, _ = chosen_index_dir(args.index)
    if not args.paths and not args.rebuild:
        warn("give the files and folders to index (or --rebuild to rebuild what it holds)")
        return EXIT_ERROR
    if not args.paths and args.watch:
        warn("--watch needs the files and folders to watch")
        return EXIT_ERROR
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
        progress = bar.update  # by bytes
    try:
        report = index_paths(
            args.paths,
            index_dir,
            rebuild=args.rebuild,
            prune=not args.no_prune,
            prune_everywhere=args.prune,
            byte_progress=progress,
            follow_symlinks=args.follow_symlinks,
            procs=args.procs,
        )
    finally:
        if bar is not None:
            bar.close()
    from search.index_report import print_report

    print_report(report, index_dir, quiet=args.quiet)
    return report
