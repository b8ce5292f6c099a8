"""`search info`, `search fields [FIELD]` and `search config`: what an index holds and
which settings are in force. Dispatched by search.cli like `search index`; a query
that is one of these words is asked with `search -e info`."""

from __future__ import annotations

import argparse
import sys

from search.cli.arguments import EXIT_ERROR, EXIT_FOUND, PROG, _Parser, attach_query_values, warn


def info_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=f"{PROG} info",
        description="What the index holds: documents, paragraphs, size on disk, languages, "
        "date range, the folders indexed and when it was last updated.",
    )
    p.add_argument("--index", metavar="DIR", help="index folder (as for a query)")
    p.add_argument("--json", action="store_true", help="one JSON object")
    return p


def fields_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=f"{PROG} fields",
        description="The fields a query can name (field:value), or one field's most "
        "common values with the number of paragraphs that have each.",
    )
    p.add_argument("field", nargs="?", metavar="FIELD", help="a field to list the values of")
    p.add_argument("--index", metavar="DIR", help="index folder (as for a query)")
    p.add_argument(
        "-n", "--limit", type=int, default=10, metavar="N", help="values to show (default 10)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object")
    return p


def config_parser() -> argparse.ArgumentParser:
    """`search config` takes a query's options, to show which of them a flag would set."""
    from search.cli.arguments import query_parser

    p = query_parser()
    p.prog = f"{PROG} config"
    p.description = (
        "The settings in force and where each came from: a flag, an environment "
        "variable, the config file (and its line), or the default. Takes a query's "
        "options, to show what they would change; --json for one JSON object."
    )
    p.epilog = None
    return p


def run_subcommand(name: str, argv: list[str]) -> int:
    from search import config

    if name == "config":
        args = config_parser().parse_args(attach_query_values(argv))
        if args.query or args.explicit:
            warn("'search config' takes options only; to search for the word: search -e config")
            return EXIT_ERROR
        flags = {key.dest: getattr(args, key.dest, None) for key in config.KEYS}
        report = config.report(config.load(), flags)
        if report["settings"]["index"]["value"] is None:
            from index.locations import default_index_dir

            report["settings"]["index"]["value"] = str(default_index_dir())
        config.print_report(report, args.json)
        return EXIT_FOUND
    parser = info_parser() if name == "info" else fields_parser()
    args = parser.parse_args(argv)
    if name == "fields" and args.limit < 1:
        warn("--limit must be 1 or more")
        return EXIT_ERROR
    config.apply(args, ("index",))
    from search.whoosh.lean_import import import_whoosh

    import_whoosh()
    from search.choose_index import ensure_index
    from search.cli import info

    with ensure_index(args.index, warn) as engine:
        if name == "info":
            data = info.info_report(engine)
        else:
            data = info.fields_report(engine, args.field, args.limit)
    if args.json:
        import json

        print(json.dumps(data, ensure_ascii=False))
    elif name == "info":
        info.print_info(data)
    else:
        info.print_fields(data)
    sys.stdout.flush()
    return EXIT_FOUND
