"""The words a hit does not say itself: where else in its document it found them.

Each hit names, per query word, the sections it matched in (`Hit.matched_in`:
"text", "title", "heading"; search.whoosh.said reads them from the index); the
command and the app mark a word found only in the title or heading.
"""

from __future__ import annotations

TEXT, TITLE, HEADING = "text", "title", "heading"


def borrowed(matched_in: dict[str, list[str]]) -> dict[str, list[str]]:
    """The words a paragraph does not say itself, with where it found them instead."""
    return {word: where for word, where in matched_in.items() if where and TEXT not in where}


def borrowed_note(matched_in: dict[str, list[str]]) -> str:
    """'tariffs (title), oil (heading)': the mark on each word the paragraph borrows."""
    return ", ".join(f"{word} ({', '.join(where)})" for word, where in borrowed(matched_in).items())
