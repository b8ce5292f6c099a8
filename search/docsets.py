"""How many paragraphs match a query, exactly, by set algebra on the posting lists.

Whoosh's top-N collector drops the parts of a query that can no longer lift a
paragraph into the top N (UnionMatcher.replace turns `oil` over text, title and
heading into fewer matchers once ten good hits are in): the ranking stays right,
but the count it reports is only the paragraphs it still looked at (2,312 of the
5,235 paragraphs with "oil" on BBC + Reuters). Counting by walking every matcher
without that pruning costs several times the search. Here each word's paragraphs
are read from its postings a block at a time into a Python set, and the query's
AND / OR / NOT become set operations, which run in C. Anything else (phrases,
custom queries) is counted by Whoosh's own matcher for that part alone.
"""

from __future__ import annotations

from array import array

from whoosh import query as wq
from whoosh.collectors import TimeLimit

from search import expansion
from search.expansion import _TimedTerm
from search.scoring import Coverage

# An AND part whose postings are this many times longer than the paragraphs still
# in the running is checked paragraph by paragraph instead of read whole.
FEW_CANDIDATES = 8


def count(searcher, q: wq.Query) -> int:
    """The number of live paragraphs that match `q`.

    Raises whoosh.collectors.TimeLimit once the active budget's deadline has passed.
    """
    reader = searcher.reader()
    found = _docs(searcher, reader, q)
    if reader.has_deletions():
        return sum(1 for d in found if not reader.is_deleted(d))
    return len(found)


def _docs(searcher, reader, q: wq.Query) -> set[int]:
    spent = expansion.current()
    if spent is not None and spent.expired():
        raise TimeLimit
    kind = type(q)
    if kind is wq.Term or kind is _TimedTerm:
        return _term_docs(reader, q.fieldname, q.text)
    if isinstance(q, wq.MultiTerm) and not isinstance(q, wq.Every):
        docs: set[int] = set()
        for btext in q._btexts(reader):
            docs |= _term_docs(reader, q.fieldname, btext)
        return docs
    if isinstance(q, expansion.NumericRange) and q.constantscore:
        return set(q._ids(reader))
    children = list(q.children())
    if kind is wq.And:
        positive = [c for c in children if not isinstance(c, wq.Not)]
        negative = [c.query for c in children if isinstance(c, wq.Not)]
        if positive:
            sized = sorted((c.estimate_size(reader), n, c) for n, c in enumerate(positive))
            docs = _docs(searcher, reader, sized[0][2])
            for size, _, child in sized[1:]:
                if not docs:
                    break
                if len(docs) * FEW_CANDIDATES < size:
                    docs = _having(searcher, child, docs)
                else:
                    docs &= _docs(searcher, reader, child)
            for child in negative:
                docs -= _having(searcher, child, docs)
            return docs
    union = kind is wq.Or or isinstance(q, Coverage)
    if union and not q.minmatch and not any(isinstance(c, wq.Not) for c in children):
        docs = set()
        for child in children:
            docs |= _docs(searcher, reader, child)
        return docs
    if kind is wq.AndNot:
        return _docs(searcher, reader, q.a) - _docs(searcher, reader, q.b)
    if kind is wq.AndMaybe:
        return _docs(searcher, reader, q.a)
    if kind is wq.Require:
        return _docs(searcher, reader, q.a) & _docs(searcher, reader, q.b)
    return set(searcher.docs_for_query(q))  # phrases and the rest: Whoosh's own matcher


def _having(searcher, q: wq.Query, candidates: set[int]) -> set[int]:
    """The candidates `q` matches, found by skipping matchers to each of them (blocks
    of postings between candidates are never read). ORs and ANDs are split into their
    parts, so no Python tree of union matchers is walked."""
    kind = type(q)
    if not candidates:
        return set()
    if kind is wq.Or or isinstance(q, Coverage) and not q.minmatch:
        children = list(q.children())
        if not any(isinstance(c, wq.Not) for c in children):
            found: set[int] = set()
            left = set(candidates)
            for child in children:
                hits = _having(searcher, child, left)
                found |= hits
                left -= hits
                if not left:
                    break
            return found
    if kind is wq.And and not any(isinstance(c, wq.Not) for c in q.children()):
        found = set(candidates)
        for child in q.children():
            found = _having(searcher, child, found)
        return found
    if kind is wq.Term or kind is _TimedTerm:
        reader = searcher.reader()
        if q.fieldname not in reader.schema:
            return set()
        btext = reader.schema[q.fieldname].to_bytes(q.text)
        if (q.fieldname, btext) not in reader:
            return set()
    return _skip_through(q.matcher(searcher), candidates)


def _skip_through(m, candidates: set[int]) -> set[int]:
    found: set[int] = set()
    for docnum in sorted(candidates):
        if not m.is_active():
            break
        if m.id() < docnum:
            m.skip_to(docnum)
            if not m.is_active():
                break
        if m.id() == docnum:
            found.add(docnum)
    return found


def _term_docs(reader, fieldname: str, text) -> set[int]:
    if fieldname not in reader.schema:
        return set()
    try:
        btext = reader.schema[fieldname].to_bytes(text) if isinstance(text, str) else text
    except ValueError:
        return set()
    if (fieldname, btext) not in reader:
        return set()
    ids = array("I")
    if reader.is_atomic():
        expansion.block_ids(reader.postings(fieldname, btext), ids)
    else:
        for leaf, offset in reader.leaf_readers():
            if (fieldname, btext) in leaf:
                expansion.block_ids(leaf.postings(fieldname, btext), ids, offset)
    return set(ids)
