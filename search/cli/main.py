"""The `search` command: one-shot queries and `search index`.

Exit codes (ripgrep's): 0 something found / indexing succeeded, 1 nothing found,
2 an error (bad arguments, a missing or damaged index, files that failed to index).
Heavy modules (Whoosh, rich) are imported only once a command needs them.
"""

from __future__ import annotations

import argparse
import os
import sys

from search.whoosh.lean_import import lean_dataclasses

lean_dataclasses()  # before anything imports dataclasses: it would import inspect

from index.errors import SearchToolError  # noqa: E402
from search.cli.arguments import (  # noqa: E402
    EXIT_ERROR,
    EXIT_FOUND,
    EXIT_NOT_FOUND,
    SUBCOMMANDS,
    attach_query_values,
    index_parser,
    query_parser,
    tui_parser,
    warn,
)

MAX_CONTEXT = 100  # paragraphs each side: -C is for reading around a hit, not dumping files


def use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty() and os.environ.get("TERM") != "dumb"


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
            from search.cli.subcommands import run_subcommand

            return run_subcommand(argv[0], argv[1:])
        args = query_parser().parse_args(attach_query_values(argv))
        if args.print_completion:
            from search.cli.completion import print_completion

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
    from index.whoosh.storage import damaged, index_exists, verify_index

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
    from search.whoosh.lean_import import import_whoosh

    import_whoosh()
    from search.choose_index import ensure_index
    from search.query.parsing import EmptyQuery

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
        from search.cli.output import print_json

        print_json(result)
    elif use_color(args.color, sys.stdout):
        from search.cli.output import print_styled

        print_styled(result, explain=args.explain)
    else:
        from search.cli.output import print_plain

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
    or reduced to document paths, unranked (search.whoosh.counting), within the time limit:
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
        from search.display.printable import printable

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
        from search.cli.watch_command import run_watch

        return run_watch(args.paths, index_dir, lambda: _index_once(args, index_dir))
    report = _index_once(args, index_dir)
    return EXIT_ERROR if report.errors else EXIT_FOUND


def _index_once(args: argparse.Namespace, index_dir):
    """One indexing run with its progress bar and end-of-run report."""
    from index.indexer import index_paths

    progress = None
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from search.cli.progress import ProgressBar

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
    from search.cli.index_report import print_report

    print_report(report, index_dir, quiet=args.quiet)
    return report
