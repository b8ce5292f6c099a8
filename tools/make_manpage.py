"""Write share/man/man1/search.1 from the argument parsers and the README's examples.

    python tools/make_manpage.py          # rewrite the page
    python tools/make_manpage.py --check  # exit 1 when the page is out of date

The page is generated here and committed, rather than by a build hook, so that building
the wheel needs neither argparse-manpage nor an import of the package; the test suite
(tests/test_manpage.py) fails when the committed page differs from what this writes.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "share" / "man" / "man1" / "search.1"
sys.path.insert(0, str(REPO))


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


def readme_examples(readme: str) -> list[str]:
    """The commands shown in the README's console blocks (`$ search ...`)."""
    blocks = re.findall(r"```console\n(.*?)```", readme, re.S)
    seen: dict[str, None] = {}
    for block in blocks:
        for line in block.splitlines():
            if line.startswith("$ search"):
                seen[line[2:]] = None
    return list(seen)


def readme_query_table(readme: str) -> list[tuple[str, str]]:
    """The rows of the README's query syntax table (`| you type | finds |`)."""
    start = readme.index("| you type | finds |")
    rows = []
    for line in readme[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if len(cells) == 2:
            rows.append(
                (
                    cells[0].replace("`", "").replace("\\|", "|"),
                    cells[1].replace("*", "").replace("`", ""),
                )
            )
    return rows


def render() -> str:
    from argparse_manpage.manpage import Manpage

    from search.cli.completion import command_tree

    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    page = Manpage(
        command_tree(),
        _data={
            "project_name": "archive-search",
            "version": version,
            "manual_title": "archive-search manual",
            "description": "find paragraphs in folders of documents",
        },
    )
    page.date = ""  # reproducible: no build date in the committed page
    text = str(page)
    extra = [".SH QUERY SYNTAX"]
    for query, finds in readme_query_table(readme):
        extra += [".TP", f".B {_escape(query)}", _escape(finds)]
    extra.append(".SH EXAMPLES")
    for command in readme_examples(readme):
        extra += [".PP", ".nf", f"$ {_escape(command)}", ".fi"]
    extra += [
        ".SH FILES",
        ".TP",
        ".I ~/.config/archive-search/config.toml",
        _escape("settings (see search config); $SEARCH_CONFIG names another file"),
        ".TP",
        ".I ~/.local/share/archive-search/index",
        _escape("the default index; --index DIR or $SEARCH_INDEX choose another"),
        ".SH EXIT STATUS",
        _escape("0 something found, 1 nothing found, 2 an error."),
    ]
    return text + "\n".join(extra) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != text:
            print(f"{PAGE} is out of date: run python tools/make_manpage.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
