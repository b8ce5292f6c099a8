"""From what a person typed to a Whoosh query, repairing what does not parse.

Several words mean all of them (AND). Bare words are looked up in the paragraph
text, the document title and the heading, weighted by `SEARCH_FIELDS`. When the
AND query finds nothing, `relax()` gives the OR of the free words while every
fielded term, NOT clause and filter stays a constraint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FuzzyTermPlugin,
    GtLtPlugin,
    MultifieldPlugin,
    PlusMinusPlugin,
    QueryParser,
)

from index.schema import QUERY_FIELDS, SEARCH_FIELDS
from search.languages import LanguageFieldsPlugin

MAX_QUERY_CHARS = 2000
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_EMPTY_FIELD = re.compile(r"(?<![\w:])(\w+):(?=\s|$|\))")
_FIELD_PREFIX = re.compile(r"\b\w+:")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


class EmptyQuery(ValueError):
    """Nothing searchable is left in the query (only operators, symbols or `*`)."""


@dataclass
class ParsedQuery:
    """The query to run, and what was changed on the way (said on stderr / status)."""

    text: str
    query: wq.Query
    notices: list[str] = field(default_factory=list)


def make_parser(schema) -> QueryParser:
    parser = QueryParser(None, schema, group=AndGroup)
    parser.add_plugin(MultifieldPlugin(list(SEARCH_FIELDS), fieldboosts=SEARCH_FIELDS))
    parser.add_plugin(LanguageFieldsPlugin())  # `title:x` looks in every language's title
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())
    # +word / -word only at the start of a word, so "cease-fire" stays one phrase.
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    return parser


def _has_error(q: wq.Query) -> bool:
    if getattr(q, "error", None) is not None:
        return True
    return any(_has_error(c) for c in q.children())


def _is_everything(q: wq.Query) -> bool:
    """A query that would match every paragraph (`*`, `title:*`)."""
    if isinstance(q, wq.Every):
        return True
    if isinstance(q, wq.Or | wq.And):
        return all(_is_everything(c) for c in q.children())
    return False


def plain_words(text: str) -> list[str]:
    """The words of a query with every operator and symbol dropped."""
    text = _FIELD_PREFIX.sub(" ", text)
    return [w for w in _WORD.findall(text) if w.upper() not in _OPERATORS]


def _tidy(text: str, notices: list[str]) -> str:
    """Fix what Whoosh would silently misread; each fix that changes meaning is noted."""
    text = _CONTROL.sub(" ", text).strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"query cut to its first {MAX_QUERY_CHARS} characters")
    if text.count('"') % 2:
        last = text.rfind('"')
        text = text[:last] + " " + text[last + 1 :]
        notices.append("ignored an unbalanced quote")
    names = set(QUERY_FIELDS)
    empty = [m.group(1) for m in _EMPTY_FIELD.finditer(text) if m.group(1) in names]
    if empty:
        text = _EMPTY_FIELD.sub(lambda m: "" if m.group(1) in names else m.group(0), text)
        notices.append("ignored " + ", ".join(f"'{n}:'" for n in empty) + " with no value")
    return text.strip()


def parse(text: str, schema) -> ParsedQuery:
    """Parse `text`; never raises except EmptyQuery when nothing searchable remains."""
    notices: list[str] = []
    tidy = _tidy(text, notices)
    parser = make_parser(schema)
    try:
        q = parser.parse(tidy)
        broken = _has_error(q)
    except Exception:  # Whoosh's parser raises assorted errors on odd syntax
        q, broken = wq.NullQuery, True
    if broken or (q is wq.NullQuery and plain_words(tidy)):
        words = plain_words(tidy)
        q = parser.parse(" ".join(words)) if words else wq.NullQuery
        if words:
            notices.append(
                "could not parse the query as written; searched for the words: " + " ".join(words)
            )
    if q is wq.NullQuery or q is None:
        if plain_words(tidy):
            raise EmptyQuery("the query has only common words (like 'the'), which are not indexed")
        raise EmptyQuery(f"nothing to search for in {text!r}")
    if _is_everything(q):
        raise EmptyQuery(f"{text!r} would match every paragraph; give at least one word")
    return ParsedQuery(text=text, query=q, notices=notices)


def _fields(q: wq.Query) -> set[str]:
    return {leaf.field() for leaf in q.leaves() if leaf.field()}


def _is_free(q: wq.Query) -> bool:
    """A bare word or phrase (looked up in the paragraph text), not a constraint."""
    return (
        not isinstance(q, wq.Not)
        and "text" in _fields(q)
        and not isinstance(q, wq.AndNot | wq.AndMaybe)
    )


def relax(q: wq.Query) -> wq.Query | None:
    """The OR fallback of an AND query, keeping constraints; None when nothing to relax."""
    if isinstance(q, wq.AndNot):
        inner = relax(q.a)
        return wq.AndNot(inner, q.b) if inner is not None else None
    if isinstance(q, wq.AndMaybe):
        inner = relax(q.b) if isinstance(q.b, wq.And) else None
        return wq.AndMaybe(q.a, inner) if inner is not None else None
    if not isinstance(q, wq.And):
        return None
    free = [c for c in q.children() if _is_free(c)]
    kept = [c for c in q.children() if not _is_free(c)]
    if len(free) < 2:
        return None
    either = wq.Or(free)
    return wq.And([*kept, either]) if kept else either


def positive(q: wq.Query) -> wq.Query | None:
    """`q` without its NOT parts: what a hit matched, for highlighting."""
    if isinstance(q, wq.Not):
        return None
    if isinstance(q, wq.AndNot):
        return positive(q.a)
    if isinstance(q, wq.AndMaybe):
        parts = [p for p in (positive(q.a), positive(q.b)) if p is not None]
        return wq.Or(parts) if parts else None
    if isinstance(q, wq.CompoundQuery):
        parts = [p for p in (positive(c) for c in q.children()) if p is not None]
        return type(q)(parts) if parts else None
    return q


def phrases(q: wq.Query) -> list[tuple[list[str], int]]:
    """(words, slop) of every phrase in `q`, for highlighting phrases as one span."""
    found: list[tuple[list[str], int]] = []
    if isinstance(q, wq.Phrase):
        words = [w.decode() if isinstance(w, bytes) else w for w in q.words]
        found.append((words, q.slop))
    for child in q.children():
        found.extend(phrases(child))
    return found
