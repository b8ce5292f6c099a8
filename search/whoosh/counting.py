"""`-c` and `-l`: which paragraphs a query matches, without ranking them.

A count needs no score, no order and no stored field: ranking every match of a
common word and reading each one's stored fields made `-c "NOT oil"` take 7.9 s
on a 290,000-paragraph index. Here a filter alone (`lang:ar`, `format:jsonl`,
`NOT oil`, one word) is counted from the index's own postings statistics (each
segment's document frequencies), and anything else by stepping through its
matching paragraph numbers, unscored, checking the clock as it goes: past the
deadline it stops and says the figure is partial.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from whoosh import query as wq
from whoosh.reading import TermNotFound

from index.fields import field_language
from search.query.blended import BlendedTerm

CHECK_EVERY = 1023  # paragraphs stepped between looks at the clock (a mask)
# Up to this many matches a file list reads each one's stored path; past it, it
# walks the `path` field's postings once instead (every paragraph, but no stored
# fields: for a common word about ten times faster).
STORED_PATHS = 2000


class Stopped(Exception):
    """The deadline passed during a walk: what was found so far is partial."""


def _segments(searcher) -> list[tuple[object, int]]:
    return searcher.subsearchers or [(searcher, 0)]


def from_postings(reader, q: wq.Query) -> int | None:
    """How many live paragraphs of one segment `q` matches, read from its term
    statistics; None when the query is not a shape this can count exactly.

    Exact only on a segment without deleted paragraphs (a deleted paragraph stays in
    the document frequencies until the segment is merged)."""
    if reader.has_deletions():
        return None
    if isinstance(q, wq.Every) and not q.fieldname:
        return reader.doc_count()
    if isinstance(q, wq.Not):
        inner = from_postings(reader, q.query)
        return None if inner is None else reader.doc_count() - inner
    if _is_term(q):
        return reader.doc_frequency(q.fieldname, q.text) if q.fieldname in reader.schema else 0
    if type(q) is wq.Or and _disjoint_terms(q.subqueries):
        return sum(from_postings(reader, t) or 0 for t in q.subqueries)
    if type(q) is wq.Or and all(_is_term(c) for c in q.subqueries):
        # A bare word: its stem in each language's field and its written form (`exact`),
        # which overlap. Their posting lists are read as ids and joined: no scoring, no
        # matcher tree, and exact where a sum of frequencies would count twice.
        return len(set().union(*(_posting_ids(reader, c) for c in q.subqueries)))
    return None


def _is_term(q: wq.Query) -> bool:
    """One word in one field; a BlendedTerm matches what its Term does (it scores apart)."""
    return type(q) in (wq.Term, BlendedTerm)


def _posting_ids(reader, t: wq.Term) -> Iterator[int]:
    if t.fieldname not in reader.schema:
        return iter(())
    try:
        return reader.postings(t.fieldname, t.text).all_ids()
    except TermNotFound:
        return iter(())


def _disjoint_terms(children: list[wq.Query]) -> bool:
    """Terms each in another language's field of one base field (`text`, `text_de`,
    `text_ar`): a paragraph is indexed in one language only, so none is counted twice."""
    if not children or not all(_is_term(c) for c in children):
        return False
    fields = [c.fieldname for c in children]
    if len(set(fields)) != len(fields) or any(field_language(f) is None for f in fields):
        return False
    return len({f.partition("_")[0] for f in fields}) == 1


def _ids(sub, q: wq.Query, deadline: float | None) -> Iterator[int]:
    """The segment-local numbers of the paragraphs `q` matches, unscored."""
    try:
        matcher = q.matcher(sub, sub.boolean_context())
    except TermNotFound:
        return
    clock = time.perf_counter
    for n, docnum in enumerate(matcher.all_ids()):
        if deadline is not None and not n & CHECK_EVERY and clock() > deadline:
            raise Stopped
        yield docnum


def count(searcher, q: wq.Query, deadline: float | None) -> tuple[int, bool]:
    """(paragraphs `q` matches, whether the deadline cut the count short)."""
    total = 0
    for sub, _ in _segments(searcher):
        fast = from_postings(sub.reader(), q)
        if fast is not None:
            total += fast
            continue
        try:
            for _ in _ids(sub, q, deadline):
                total += 1
        except Stopped:
            return total, True
    return total, False


def paths(searcher, q: wq.Query, deadline: float | None) -> tuple[list[str], int, bool]:
    """(the paths of the documents `q` matches, in index order; how many paragraphs
    match; whether the deadline cut the list short)."""
    found: dict[str, int] = {}  # path -> first matching paragraph (global number)
    total = 0
    for sub, offset in _segments(searcher):
        matched: list[int] = []
        try:
            matched.extend(_ids(sub, q, deadline))
        except Stopped:
            _add_paths(sub, offset, matched, found)
            return _in_order(found), total + len(matched), True
        total += len(matched)
        _add_paths(sub, offset, matched, found)
    return _in_order(found), total, False


def _add_paths(sub, offset: int, matched: list[int], found: dict[str, int]) -> None:
    if len(matched) <= STORED_PATHS:
        for docnum in matched:
            path = sub.stored_fields(docnum).get("path", "")
            found.setdefault(path, docnum + offset)
        return
    wanted = set(matched)
    reader = sub.reader()
    for btext in reader.lexicon("path"):
        postings = reader.postings("path", btext)
        for docnum in postings.all_ids():
            if docnum in wanted:
                path = btext.decode("utf-8")
                first = min(found.get(path, docnum + offset), docnum + offset)
                found[path] = first
                break


def _in_order(found: dict[str, int]) -> list[str]:
    return sorted(found, key=found.__getitem__)
