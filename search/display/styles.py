"""How hits look on a terminal: the styles and the notes shared by the one-shot
command and the terminal app (rich is imported only when text is styled)."""

from __future__ import annotations

from search.results import Span

MATCH_STYLE = "bold red"
TITLE_STYLE = "bold"
PATH_STYLE = "magenta"
PARA_STYLE = "green"
HEADING_STYLE = "italic cyan"
EXPLAIN_STYLE = "dim cyan"
NOTES_STYLE = "dim"
MISSING_NAMED = 8  # missing words named under a hit; the rest are counted


def missing_note(words: list[str], named: int = MISSING_NAMED) -> str:
    """'missing: a, b and 3 more': a pasted paragraph misses dozens of its words, and
    a line of them all would bury the hit (`--json` lists every one)."""
    if len(words) <= named + 1:  # "and 1 more" would take the room of the word
        return "missing: " + ", ".join(words)
    return f"missing: {', '.join(words[:named])} and {len(words) - named} more"


def styled_text(text: str, spans: list[Span], base: str = "", match: str = MATCH_STYLE):
    """A rich Text with `spans` styled as matches."""
    from rich.text import Text

    rich_text = Text(text, style=base)
    for start, end in spans:
        rich_text.stylize(match, start, end)
    return rich_text
