"""From what a person typed to a Whoosh query, repairing what does not parse.

Several words mean all of them (AND). Bare words are looked up in the paragraph
text, the document title and the heading, weighted by `SEARCH_FIELDS`. When the
AND query finds nothing, `relax()` gives the OR of the free words while every
fielded term, NOT clause and filter stays a constraint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.fields import DATETIME, NUMERIC
from whoosh.qparser import (
    AndGroup,
    FuzzyTermPlugin,
    GtLtPlugin,
    PlusMinusPlugin,
    QueryParser,
)

from index.fields import QUERY_FIELDS, SEARCH_FIELDS, WRITTEN_FIELD
from search.query.fields import LanguageFieldsPlugin
from search.query.near import unordered, write_out_near
from search.query.written import WRITTEN, WrittenFormsPlugin

MAX_QUERY_CHARS = 2000
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
# Control characters, and lone surrogates (argv bytes that are not UTF-8 arrive as
# surrogate escapes, which Whoosh cannot encode).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_EMPTY_FIELD = re.compile(r"(?<![\w:])(\w+):(?=\s|$|\))")
_FIELD_PREFIX = re.compile(r"\b\w+:")
_NAMED_FIELD = re.compile(r"(?<![\w:\"'])([^\W\d]\w*):(?=[^\s/])")
_RANGE = re.compile(r"(\w+):([\[{])\s*([^\s\]}]+)\s+TO\s+([^\s\]}]+)\s*([\]}])")
_DATE_OR_NUMBER = re.compile(r"-?\d+(?:\.\d+)?|\d{4}(?:-\d{1,2}){0,2}")
# `field:value`: a range, a quoted phrase or a bare value (`>2024`, `reports/*`).
_FIELD_VALUE = re.compile(r"(?<![\w:])(\w+):([\[{][^\]}]*[\]}]?|\"[^\"]*\"?|[^\s)]*)")
_NOT_FIELDS = {"http", "https", "ftp", "mailto", "file", "urn"}  # `scheme:` of an address
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# `-word` where PlusMinusPlugin reads it (at a word's start), for queries of only those.
_MINUS = re.compile(r"(?<![^\s(])-(?=[^\s-])")
# `a|b`, `a || b`: an OR as regexes and programming languages write it.
_PIPE = re.compile(r"(?<=[^\s|])\s*\|{1,2}\s*(?=[^\s|])")


class EmptyQuery(ValueError):
    """Nothing searchable is left in the query (only operators, symbols or `*`)."""


class BadValue(EmptyQuery):
    """A date or number field given a value that is not one (`date:2024-13`)."""


@dataclass
class ParsedQuery:
    """The query to run, and what was changed on the way (said on stderr / status)."""

    text: str
    query: wq.Query
    notices: list[str] = field(default_factory=list)


# `word~` and `word~2` keep the first letter of the (stemmed) word: a typo rarely hits
# it, and without it a short stem matches words that only rhyme (`goverment~` is
# `gover~`, one edit from `over`, `cover`, `hover`). Whoosh's FuzzyTerm defaults to
# 1, its query parser to 0; `word~N/P` sets it, `word~N/0` lets the first letter vary.
FUZZY_PREFIX = 1


class FuzzyPlugin(FuzzyTermPlugin):
    """Whoosh's `word~N/P` syntax with FUZZY_PREFIX when `/P` is not given, and `/0`
    accepted (Whoosh's own pattern takes only 1 and up)."""

    expr = re.compile(r"(?<=\S)~(?P<maxdist>[0-9])?(/(?P<prefix>[0-9]+))?", re.UNICODE)

    def create(self, parser, match):
        node = super().create(parser, match)
        if match.group("prefix") is None:
            node.prefixlength = FUZZY_PREFIX
        return node


class _Parser(QueryParser):
    def multitoken_query(self, spec, texts, fieldname, termclass, boost):
        """A word the analyzer splits (`cease-fire`, `G-7`, `4.75%`, `U.N.`) is its
        pieces side by side, as a phrase: Whoosh's default ANDs them, so `G-7` found a
        paragraph about the G-5 that has a 7 anywhere. A fuzzy or other special
        word keeps Whoosh's way (a phrase has no fuzzy pieces)."""
        if spec == "default" and termclass is wq.Term:
            spec = "phrase"
        return super().multitoken_query(spec, texts, fieldname, termclass, boost)


def make_parser(schema) -> QueryParser:
    parser = _Parser(None, schema, group=AndGroup)
    parser.add_plugin(WrittenFormsPlugin())  # bare words, quoted words, patterns
    parser.add_plugin(LanguageFieldsPlugin())  # `title:x` looks in every language's title
    parser.add_plugin(FuzzyPlugin())
    parser.add_plugin(GtLtPlugin())
    # +word / -word only at the start of a word, so "cease-fire" stays one phrase.
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    return parser


def _has_error(q: wq.Query) -> bool:
    return bool(_errors(q))


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


def respellable_words(text: str) -> list[str]:
    """The words did-you-mean may respell: not a field's value (`date:2024`,
    `path:reports/*`, `title:"…"`), and no number (`2024` is not a typo of `2004`)."""
    text = _FIELD_VALUE.sub(" ", text)
    return [w for w in plain_words(text) if not any(c.isdigit() for c in w)]


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
    text = _named_fields(text, notices)
    text = _RANGE.sub(lambda m: _in_order(m, notices), text)
    if "NEAR" in text:
        text = write_out_near(text, notices)
    if "|" in text:
        text = _pipes_as_or(text, notices)
    return text.strip()


def _pipes_as_or(text: str, notices: list[str]) -> str:
    """`oil|gas` (a regex or shell habit) is `oil OR gas`: the analyzer would split it
    into the phrase "oil gas", which finds almost nothing, silently. In quotes a `|`
    stays what it is (a separator inside a phrase)."""
    pieces = text.split('"')
    changed = False
    for i in range(0, len(pieces), 2):  # outside quotes
        new = _PIPE.sub(" OR ", pieces[i])
        changed = changed or new != pieces[i]
        pieces[i] = new
    if not changed:
        return text
    text = '"'.join(pieces)
    notices.append(f"read '|' as OR: searched {' '.join(text.split())}")
    return text


def _bound_key(value: str) -> tuple[float, ...] | None:
    """A range bound as numbers to compare: 2024-03 is (2024, 3); None if not one."""
    if not _DATE_OR_NUMBER.fullmatch(value):
        return None
    if "-" in value[1:]:
        return tuple(float(p) for p in value.split("-"))
    return (float(value),)


def _in_order(m: re.Match, notices: list[str]) -> str:
    """`date:[2024 TO 2023]` as `date:[2023 TO 2024]`: backwards, it matches nothing."""
    field, opening, low, high, closing = m.groups()
    a, b = _bound_key(low), _bound_key(high)
    common = min(len(a), len(b)) if a and b else 0
    if not common or a[:common] <= b[:common]:
        return m.group(0)
    notices.append(
        f"{m.group(0)} runs backwards; searched {field}:{opening}{high} TO {low}{closing}"
    )
    return f"{field}:{opening}{high} TO {low}{closing}"


def _named_fields(text: str, notices: list[str]) -> str:
    """`Title:x` is `title:x`; `titel:x` names no field, so Whoosh reads it as the words
    `titel x`: say so, with the fields there are, rather than quietly finding nothing."""
    names = set(QUERY_FIELDS)
    unknown: list[str] = []

    def fix(m: re.Match) -> str:
        name = m.group(1)
        if name.lower() in names:
            return name.lower() + ":"
        if name.lower() not in _NOT_FIELDS and name not in unknown:
            unknown.append(name)
        return m.group(0)

    text = _NAMED_FIELD.sub(fix, text)
    if unknown:
        listed = ", ".join(f"'{n}:'" for n in unknown)
        fields = ", ".join(n for n in QUERY_FIELDS if n != "text")
        verb = "is not a field" if len(unknown) == 1 else "are not fields"
        notices.append(f"{listed} {verb} (fields: {fields}); searched as words")
    return text


MAX_RANGE_TERMS = 2000


def fix_numeric_ranges(q: wq.Query, schema) -> wq.Query:
    """Work around Whoosh's unsigned NUMERIC ranges, whose upper bound is ignored
    (`paragraph:[2 TO 3]` matched every paragraph): a range on a small whole-number
    field (paragraph, page) becomes the OR of its values, which Whoosh matches exactly.
    """
    if isinstance(q, wq.NumericRange) and q.fieldname in schema:
        fieldtype = schema[q.fieldname]
        small_whole = getattr(fieldtype, "numtype", None) is int and not fieldtype.signed
        if small_whole and q.end is not None:
            low = 0 if q.start is None else int(q.start) + (1 if q.startexcl else 0)
            high = int(q.end) - (1 if q.endexcl else 0)
            if high - low <= MAX_RANGE_TERMS:
                values = [wq.Term(q.fieldname, v) for v in range(max(low, 0), high + 1)]
                return wq.Or(values) if values else wq.NullQuery
        return q
    if isinstance(q, wq.AndNot | wq.AndMaybe | wq.Otherwise | wq.Require):
        return type(q)(fix_numeric_ranges(q.a, schema), fix_numeric_ranges(q.b, schema))
    if isinstance(q, wq.Not):
        return wq.Not(fix_numeric_ranges(q.query, schema))
    if isinstance(q, wq.And | wq.Or):
        return type(q)([fix_numeric_ranges(c, schema) for c in q.children()], boost=q.boost)
    return q


def bad_value(text: str, schema, parser: QueryParser) -> str | None:
    """Why a date or number field's value in `text` cannot be read, or None. Whoosh
    drops such a part without a word, and searching its digits as words finds noise."""
    for m in _FIELD_VALUE.finditer(text):
        field = m.group(1)
        if field not in schema or not isinstance(schema[field], NUMERIC | DATETIME):
            continue
        try:
            error = next(iter(_errors(parser.parse(m.group(0)))), None)
        except Exception as exc:  # the parser's own failure on the piece
            error = exc
        if error is not None:
            hint = "a whole number, or a range like [2 TO 5]"
            if field == "date":
                hint = "a date is written 2024, 2024-03 or 2024-03-15"
            why = "" if "invalid literal" in str(error) else f" ({error})"
            return f"cannot read {m.group(0)}{why}; {hint}"
    return None


def _errors(q: wq.Query) -> list[Exception]:
    found = [q.error] if getattr(q, "error", None) is not None else []
    for child in q.children():
        found += _errors(child)
    return found


def parse(text: str, schema) -> ParsedQuery:
    """Parse `text`; never raises except EmptyQuery when nothing searchable remains."""
    notices: list[str] = []
    tidy = _tidy(text, notices)
    parser = make_parser(schema)
    try:
        q = parser.parse(tidy)
        if q is wq.NullQuery and _MINUS.search(tidy):
            # Whoosh drops a query of only `-word`s; it means what `NOT word` means,
            # never the word itself (which the fallback below would search for).
            q = parser.parse(_MINUS.sub("NOT ", tidy))
        broken = _has_error(q)
    except Exception:  # Whoosh's parser raises assorted errors on odd syntax
        q, broken = wq.NullQuery, True
    if broken and (reason := bad_value(tidy, schema, parser)):
        raise BadValue(reason)
    if broken or (q is wq.NullQuery and plain_words(tidy)):
        words = plain_words(tidy)
        q = parser.parse(" ".join(words)) if words else wq.NullQuery
        if words:
            notices.append(
                "could not parse the query as written; searched for the words: " + " ".join(words)
            )
    if q is not None and q is not wq.NullQuery:
        q = unordered(fix_numeric_ranges(q, schema))
    if q is wq.NullQuery or q is None:
        if plain_words(tidy):
            raise EmptyQuery("the query has only common words (like 'the'), which are not indexed")
        raise EmptyQuery(f"nothing to search for in {text!r}")
    if _is_everything(q):
        raise EmptyQuery(f"{text!r} would match every paragraph; give at least one word")
    return ParsedQuery(text=text, query=q, notices=notices)


def _fields(q: wq.Query) -> set[str]:
    return {leaf.field() for leaf in q.leaves() if leaf.field()}


# The fields whose words are a query's free words: the paragraph text (and its
# other languages' fields, which always come with it) and the written forms.
_FREE_FIELDS = {"text", WRITTEN_FIELD}


def _is_free(q: wq.Query) -> bool:
    """A bare word or phrase (looked up in the paragraph text), not a constraint."""
    return (
        not isinstance(q, wq.Not)
        and bool(_FREE_FIELDS & _fields(q))
        and not isinstance(q, wq.AndNot | wq.AndMaybe)
    )


def relax(q: wq.Query, combine: Callable[[list[wq.Query]], wq.Query] = wq.Or) -> wq.Query | None:
    """The OR fallback of an AND query, keeping constraints; None when nothing to relax.

    `combine` builds the "any of these words" part (the engine passes a query that
    ranks paragraphs with more of the words first).
    """
    if isinstance(q, wq.AndNot):
        inner = relax(q.a, combine)
        return wq.AndNot(inner, q.b) if inner is not None else None
    if isinstance(q, wq.AndMaybe):
        inner = relax(q.b, combine) if isinstance(q.b, wq.And) else None
        return wq.AndMaybe(q.a, inner) if inner is not None else None
    if not isinstance(q, wq.And):
        return None
    free = [c for c in q.children() if _is_free(c)]
    kept = [c for c in q.children() if not _is_free(c)]
    if len(free) < 2:
        return None
    either = combine(free)
    return wq.And([*kept, either]) if kept else either


def free_parts(q: wq.Query) -> list[wq.Query]:
    """The words and phrases of `q` a paragraph may have or miss (not its constraints).

    For `a b title:x -c` these are `a` and `b`; for `a OR b`, `a` and `b`.
    """
    if isinstance(q, wq.AndNot):
        return free_parts(q.a)
    if isinstance(q, wq.AndMaybe):
        return free_parts(q.a) + free_parts(q.b)
    if isinstance(q, wq.Or) and _single_word(q):
        return [q] if _is_free(q) else []  # one word looked up in several fields
    if isinstance(q, wq.Or):
        # Whoosh flattens `a OR b` into one OR of every word in every field: regroup
        # each word's fields so a title-only match still counts as that word.
        groups: dict[tuple, list[wq.Query]] = {}
        for child in q.children():
            groups.setdefault(_word_key(child), []).append(child)
        parts = [g[0] if len(g) == 1 else wq.Or(g) for g in groups.values()]
        return [p for p in parts if _FREE_FIELDS & _fields(p) and not isinstance(p, wq.Not)]
    if isinstance(q, wq.And):
        return [c for c in q.children() if _is_free(c)]
    return [q] if _is_free(q) else []


def _word_key(q: wq.Query) -> tuple:
    group = getattr(q, "word_group", None)
    if group is not None:  # one typed word's leaves (search.query.written)
        return ("word", group)
    if q.is_leaf() and q.field() in SEARCH_FIELDS:
        words = getattr(q, "words", None) or [getattr(q, "text", None)]
        return (type(q).__name__, tuple(words))
    return ("query", id(q))


def _single_word(q: wq.Query) -> bool:
    """An OR of one word, pattern or phrase across the SEARCH_FIELDS (the multifield
    plugin's expansion of one bare word)."""
    leaves = list(q.leaves())
    groups = {getattr(leaf, "word_group", None) for leaf in leaves}
    if len(leaves) > 1 and None not in groups:
        return len(groups) == 1  # one typed word (search.query.written)
    if len(leaves) < 2 or {leaf.field() for leaf in leaves} - set(SEARCH_FIELDS):
        return False
    kinds = {type(leaf) for leaf in leaves}
    texts = {
        tuple(getattr(leaf, "words", None) or [getattr(leaf, "text", None)]) for leaf in leaves
    }
    return len(kinds) == 1 and len(texts) == 1


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
        if q.fieldname == WRITTEN_FIELD:
            words = [WRITTEN + w for w in words]
        found.append((words, q.slop))
    for child in q.children():
        found.extend(phrases(child))
    return found
