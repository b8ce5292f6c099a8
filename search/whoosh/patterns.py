"""Wildcards, fuzzy terms and ranges, expanded once per search within its deadline.

Whoosh expands a multi-term query (`comput*`, `*ing`, `market~2`, `date:[a TO b]`)
every time it is asked: for each segment's matcher, for the size estimates that
order a query's parts, and again over the whole index for the score breakdown;
over several segments a fuzzy term falls back to a pure-Python edit distance
against every word of the field (seconds on 120k paragraphs). And none of it can be
interrupted outside the main thread, where the TUI searches. Here instead:

- each segment's words per field are read once and kept while the segment is
  open (a sorted list; segments are immutable), and every expansion of one search
  is remembered for that search;
- fuzzy terms are matched with rapidfuzz (C) under the same rule Whoosh documents
  (Damerau-Levenshtein distance: a swap of two neighbouring letters is one edit),
  prefixes by bisection, wildcards and regexes by one pass over the word list;
- every loop checks the search's deadline, in any thread, and stops with what it
  has (the search is then reported partial);
- a pattern matching more than `MAX_EXPANSIONS` words in a field keeps the most
  frequent ones (reported as partial, like Lucene's and Elasticsearch's caps);
- a constant-score range (dates) collects its paragraphs straight from the postings
  of its few hundred tiered terms: Whoosh walks a Python tree of one union matcher
  per term for every paragraph in the range (3.6 s for a month of Reuters).

The engine swaps the parsed query's leaves for the classes below (`speed_up`);
they are subclasses of Whoosh's, so everything that inspects a query still works,
and used without an active `budget` they behave exactly like Whoosh's own.
"""

from __future__ import annotations

import re
import time
import weakref
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import accumulate
from sys import intern

from whoosh import matching
from whoosh import query as wq
from whoosh.matching import ReadTooFar

from search.whoosh.term_walk import prefix_terms

# A pattern expands to at most this many words per field and segment.
MAX_EXPANSIONS = 1024
# Loops look at the clock every this many words.
_CHECK_EVERY = 2048


@dataclass
class Budget:
    """One search's deadline (time.perf_counter) and what its expansions found."""

    deadline: float | None = None
    memo: dict = field(default_factory=dict)
    cut: bool = False  # an expansion stopped at the deadline
    capped: dict[str, int] = field(default_factory=dict)  # pattern -> words it matched

    def expired(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline

    @property
    def partial(self) -> bool:
        return self.cut or bool(self.capped)


_current: ContextVar[Budget | None] = ContextVar("expansion_budget", default=None)


def current() -> Budget | None:
    """The budget of the search running in this thread, if any."""
    return _current.get()


@contextmanager
def budget(deadline: float | None) -> Iterator[Budget]:
    """Make expansions in this thread share a memo and stop at `deadline`.

    Nested use reuses the outer budget (a search's AND run and its OR fallback).
    """
    active = _current.get()
    if active is not None:
        yield active
        return
    fresh = Budget(deadline)
    token = _current.set(fresh)
    try:
        yield fresh
    finally:
        _current.reset(token)


# Ranges (dates) whose paragraphs are kept per segment, the most recently used.
KEPT_RANGES = 16
# The paragraphs of recent ranges per segment reader, kept while the reader lives.
_RANGES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

# Words found by a prefix walk, kept per segment reader (the most recent ones).
KEPT_PREFIXES = 64
_PREFIXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

# Sorted words of each (segment reader, field), kept while the reader lives.
_WORDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _leaves(reader) -> list:
    return [reader] if reader.is_atomic() else [r for r, _ in reader.leaf_readers()]


def field_words(reader, fieldname: str, spent: Budget | None) -> list[str]:
    """The words of `fieldname` in one segment, sorted; read once per segment.

    Past the deadline it returns what it has read so far (not kept).
    """
    per_reader = _WORDS.get(reader)
    if per_reader is not None and fieldname in per_reader:
        return per_reader[fieldname]
    words: list[str] = []
    if fieldname in reader.schema:
        for n, btext in enumerate(reader.lexicon(fieldname), 1):
            words.append(intern(btext.decode("utf-8")))  # one copy across segments
            if not n % _CHECK_EVERY and spent is not None and spent.expired():
                spent.cut = True
                return words
    _WORDS.setdefault(reader, {})[fieldname] = words
    return words


def _expand(q: wq.MultiTerm, reader, match) -> list[bytes]:
    """Words of `q.fieldname` that `match(q, segment, budget)` picks, over every segment."""
    spent = _current.get()
    found: set[str] = set()
    for leaf in _leaves(reader):
        key = (
            id(leaf),
            type(q).__name__,
            q.fieldname,
            q.text,
            getattr(q, "maxdist", None),
            getattr(q, "prefixlength", None),
            getattr(q, "start", None),
            getattr(q, "end", None),
        )
        words = spent.memo.get(key) if spent is not None else None
        if words is None:
            words = match(q, leaf, spent)
            words = _cap(q, leaf, words, spent)
            if spent is not None:
                spent.memo[key] = words
        found.update(words)
    return [w.encode("utf-8") for w in sorted(found)]


def _cap(q: wq.MultiTerm, reader, words: list[str], spent: Budget | None) -> list[str]:
    """At most MAX_EXPANSIONS words: the ones in the most paragraphs."""
    if len(words) <= MAX_EXPANSIONS:
        return words
    freq = reader.doc_frequency
    ranked = sorted(words, key=lambda w: -freq(q.fieldname, w))
    if spent is not None:
        label = str(q.text) if not isinstance(q, wq.FuzzyTerm) else f"{q.text}~{q.maxdist}"
        spent.capped[label] = max(spent.capped.get(label, 0), len(words))
    return ranked[:MAX_EXPANSIONS]


def _prefixed(words: list[str], prefix: str) -> list[str]:
    if not prefix:
        return words
    lo = bisect_left(words, prefix)
    hi = bisect_left(words, prefix[:-1] + chr(ord(prefix[-1]) + 1), lo)
    return words[lo:hi]


def _filtered(candidates: list[str], keep, spent: Budget | None) -> list[str]:
    """`candidates` that `keep`, checking the clock between chunks."""
    out: list[str] = []
    for start in range(0, len(candidates), _CHECK_EVERY):
        if spent is not None and spent.expired():
            spent.cut = True
            break
        out.extend(w for w in candidates[start : start + _CHECK_EVERY] if keep(w))
    return out


def _fuzzy_words(q: wq.FuzzyTerm, reader, spent: Budget | None) -> list[str]:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    text = q.text if isinstance(q.text, str) else q.text.decode("utf-8")
    prefix = text[: q.prefixlength]
    if prefix and _WORDS.get(reader, {}).get(q.fieldname) is None:
        # Not read yet: the words with the prefix, by Whoosh's own seek to it.
        candidates = _with_prefix(reader, q.fieldname, prefix, spent)
    else:
        candidates = _prefixed(field_words(reader, q.fieldname, spent), prefix)
    out: list[str] = []
    chunk = 16 * _CHECK_EVERY
    for start in range(0, len(candidates), chunk):
        if spent is not None and spent.expired():
            spent.cut = True
            break
        found = process.extract(
            text,
            candidates[start : start + chunk],
            scorer=OSA.distance,
            score_cutoff=int(q.maxdist),
            limit=None,
        )
        out.extend(word for word, _, _ in found)
    return out


def _pattern_words(q: wq.PatternQuery, reader, spent: Budget | None) -> list[str]:
    pattern = re.compile(q._get_pattern())
    prefix = q._find_prefix(q.text)
    return _filtered(
        _prefixed(field_words(reader, q.fieldname, spent), prefix), pattern.match, spent
    )


def _prefix_words(q: wq.Prefix, reader, spent: Budget | None) -> list[str]:
    cached = _WORDS.get(reader, {}).get(q.fieldname)
    if cached is not None:
        return _prefixed(cached, q.text)
    # Not read yet: Whoosh's own seek to the prefix is cheaper than reading every word.
    return _with_prefix(reader, q.fieldname, q.text, spent)


def _with_prefix(reader, fieldname: str, prefix: str, spent: Budget | None) -> list[str]:
    """The words starting with `prefix`, by Whoosh's seek to it; the last
    KEPT_PREFIXES walks are kept per segment (did-you-mean looks a word up at every
    search that finds little, and the TUI asks again at every keystroke)."""
    kept = _PREFIXES.setdefault(reader, OrderedDict())
    found = kept.get((fieldname, prefix))
    if found is not None:
        _touch(kept, (fieldname, prefix))
        return found
    out: list[str] = []
    if fieldname not in reader.schema:
        return out
    for n, btext in enumerate(prefix_terms(reader, fieldname, prefix), 1):
        out.append(intern(btext.decode("utf-8")))
        if not n % _CHECK_EVERY and spent is not None and spent.expired():
            spent.cut = True
            return out  # this search's only
    _keep(kept, (fieldname, prefix), out, KEPT_PREFIXES)
    return out


class _Timed:
    """Whoosh's MultiTerm.matcher, whose per-word matchers stop at the deadline.

    Each word's matcher costs a term lookup and a scorer set-up (about 0.1 ms):
    a thousand words take longer than the limit allows, and in a worker thread
    nothing else could stop them.
    """

    _EVERYTHING: str | None = None  # the text Whoosh treats as "every paragraph"

    def _scales(self, searcher, words: list[bytes]) -> dict[bytes, float] | None:
        """Per word, a factor on its score (None: each word scored as it is)."""
        return None

    def matcher(self, searcher, context=None):
        spent = _current.get()
        if spent is None or self.text == self._EVERYTHING:
            return super().matcher(searcher, context)
        words = [w for w in self._btexts(searcher.reader()) if w]
        if not words:
            return matching.NullMatcher()
        if len(words) > 1 and not (context and context.needs_current):
            # Every paragraph scored by the sum of its words' BM25, summed a block at
            # a time. (Whoosh's OR of the words gives that through a tree of
            # matchers on a segment over 5,000 paragraphs, and 1.0 for every
            # paragraph on a smaller one: the ranking depended on segment sizes.)
            weighting = (context.weighting if context is not None else None) or searcher.weighting
            scales = self._scales(searcher, words)
            return _scored_union(
                searcher, self.fieldname, words, weighting, self.boost, spent, scales
            )
        qs = [_TimedTerm(self.fieldname, w) for w in words]
        if len(qs) == 1:
            return qs[0].matcher(searcher, context)
        if self.constantscore:  # what Whoosh asks for (its searcher then scores anyway)
            from whoosh.searching import SearchContext

            context = context.set(weighting=None) if context else SearchContext(weighting=None)
        return wq.Or(qs, boost=self.boost).matcher(searcher, context)


def _blended(searcher, fieldname: str, words) -> dict[bytes, float]:
    """Per word, what turns its idf into that of the commonest word of the expansion
    (Lucene's blended scoring of fuzzy terms). Scored by its own idf, the rarest
    near-miss wins: `goverment~` put the one paragraph with `goers` first and
    `governess` second, above 973 paragraphs that say `government`."""
    from search.whoosh.scoring import field_doc_count, lucene_idf

    n = max(1, field_doc_count(searcher, fieldname))
    dfs = {w: searcher.doc_frequency(fieldname, w) for w in words}
    common = lucene_idf(n, max(dfs.values(), default=0))
    return {w: common / idf for w, df in dfs.items() if (idf := lucene_idf(n, df)) > 0}


def _scored_union(
    searcher,
    fieldname: str,
    words,
    weighting,
    boost: float,
    spent: Budget,
    scales: dict[bytes, float] | None = None,
):
    """The OR of `words` as a list of paragraphs with summed scores.

    Whoosh ORs an expansion's words through a binary tree of union matchers and
    scores every posting through method calls (11,155 paragraphs for `goverment~`
    took 110 ms on BBC + Reuters); here each word's postings are read a block at a
    time and scored by the same scorer into one dict. Stops at the deadline.
    """
    parts = [(searcher, 0)] if searcher.is_atomic() else searcher.subsearchers
    scores: dict[int, float] = {}
    for segment, offset in parts:
        reader = segment.reader()
        lengths = _lengths(reader, fieldname)
        found: dict[int, float] = {}
        for btext in words:
            if spent.expired():
                spent.cut = True
                break
            if (fieldname, btext) not in reader:
                continue
            scale = scales.get(btext, 1.0) if scales else 1.0
            m = segment.postings(fieldname, btext, weighting=weighting)
            _add_scores(m, lengths, found, scale)
        scores.update(found if not offset else {offset + d: v for d, v in found.items()})
    if not scores:
        return matching.NullMatcher()
    ids = sorted(scores)
    return _DocList(ids, weights=[scores[d] * boost for d in ids])


_W3_BLOCKS = ("_read_data", "_read_ids", "_read_weights", "_next_block", "_data", "_i")


def _add_scores(m, lengths: bytes | None, scores: dict[int, float], scale: float = 1.0) -> None:
    """Add each posting's score (times `scale`) to `scores[docnum]`.

    For a weight-and-length scorer (BM25) on Whoosh's own posting format, a block's
    ids and weights are read whole and the field lengths come from `lengths` (the
    length column's bytes, decoded as Whoosh decodes them);
    otherwise the matcher is stepped through and asked for its score.
    """
    from whoosh.scoring import WeightLengthScorer

    get = scores.get
    scorer = getattr(m, "scorer", None)
    fast = (
        lengths is not None
        and scorer is not None
        and type(scorer).score is WeightLengthScorer.score
        and all(hasattr(m, a) for a in _W3_BLOCKS)
    )
    if not fast:
        while m.is_active():
            d = m.id()
            scores[d] = get(d, 0.0) + scale * m.score()
            m.next()
        return
    from whoosh.util.numeric import byte_to_length

    score, dfl = scorer._score, scorer.dfl
    table = [byte_to_length(b) if b else None for b in range(256)]  # 0: ask Whoosh
    while m.is_active():
        if m._ids is None:
            m._read_ids()
        if m._weights is None:
            m._read_weights()
        i = m._i
        for d, w in zip(m._ids[i:], m._weights[i:], strict=True):
            n = table[lengths[d]]
            scores[d] = get(d, 0.0) + scale * score(w, n if n is not None else dfl(d))
        m._next_block()


# Field lengths per (segment reader, field), as the scorer reads them one at a time.
_LENGTHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _lengths(reader, fieldname: str) -> bytes | None:
    """Every paragraph's encoded length of `fieldname` in one segment (a byte each),
    read from the length column in one go; None when the column is not the
    byte-per-paragraph kind Whoosh's codec writes."""
    per_reader = _LENGTHS.get(reader)
    if per_reader is not None and fieldname in per_reader:
        return per_reader[fieldname]
    found = None
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.columns import NumericColumn

        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if isinstance(column, NumericColumn.Reader) and column._fixedlen == 1:
            raw = bytes(column._dbfile.get(column._basepos, column._count))
            found = raw + bytes(max(0, reader.doc_count_all() - len(raw)))
    except Exception:  # another codec or Whoosh version: score posting by posting
        found = None
    _LENGTHS.setdefault(reader, {})[fieldname] = found
    return found


def _touch(kept: OrderedDict, key) -> None:
    """Mark `key` recently used (another thread may have dropped it meanwhile:
    the TUI searches from worker threads)."""
    with suppress(KeyError):
        kept.move_to_end(key)


def _keep(kept: OrderedDict, key, value, most: int) -> None:
    """Keep `value`, dropping the least recently used beyond `most`."""
    kept[key] = value
    while len(kept) > most:
        with suppress(KeyError):
            kept.popitem(last=False)


class _TimedTerm(wq.Term):
    def matcher(self, searcher, context=None):
        spent = _current.get()
        if spent is not None and spent.expired():
            spent.cut = True
            return matching.NullMatcher()
        return super().matcher(searcher, context)


class FuzzyTerm(_Timed, wq.FuzzyTerm):
    def _scales(self, searcher, words: list[bytes]) -> dict[bytes, float]:
        """Lucene's fuzzy scoring: every word as rare as the commonest (`_blended`),
        times its likeness to the typed word, 1 - edits / the shorter length."""
        from rapidfuzz.distance import OSA

        text = self.text if isinstance(self.text, str) else self.text.decode("utf-8")
        scales = _blended(searcher, self.fieldname, words)
        for w in scales:
            word = w.decode("utf-8")
            scales[w] *= 1 - OSA.distance(text, word) / max(1, min(len(text), len(word)))
        return scales

    def _btexts(self, ixreader):
        return _expand(self, ixreader, _fuzzy_words)


class Prefix(_Timed, wq.Prefix):
    _EVERYTHING = ""

    def _btexts(self, ixreader):
        return _expand(self, ixreader, _prefix_words)


class Wildcard(_Timed, wq.Wildcard):
    _EVERYTHING = "*"

    def _btexts(self, ixreader):
        return _expand(self, ixreader, _pattern_words)


class Regex(_Timed, wq.Regex):
    _EVERYTHING = ".*"

    def _btexts(self, ixreader):
        return _expand(self, ixreader, _pattern_words)


class NumericRange(wq.NumericRange):
    """A constant-score numeric range matched from a sorted list of its paragraphs."""

    def matcher(self, searcher, context=None):
        if not self.constantscore or (context is not None and context.needs_current):
            return super().matcher(searcher, context)
        ids = self._ids(searcher.reader())
        if not ids:
            return matching.NullMatcher()
        return _DocList(ids, all_weights=self.boost)

    def estimate_size(self, ixreader):
        return len(self._ids(ixreader)) if self.constantscore else super().estimate_size(ixreader)

    def _ids(self, reader) -> list[int]:
        """The sorted paragraph numbers in range (each segment's remembered for the
        search: the ranking asks per segment, the exact count for the whole index)."""
        if not reader.is_atomic():
            ids: list[int] = []
            for leaf, offset in reader.leaf_readers():
                ids.extend(offset + d for d in self._ids(leaf))
            return ids
        spent = _current.get()
        key = (
            id(reader),
            "range",
            self.fieldname,
            self.start,
            self.end,
            self.startexcl,
            self.endexcl,
        )
        if spent is not None and key in spent.memo:
            return spent.memo[key]
        # Across searches too: a filter's paragraphs in a segment do not change
        # (Lucene's query cache keeps filters per segment the same way). The
        # paragraph count is in the key in case a reused reader saw deletions.
        kept = _RANGES.setdefault(reader, OrderedDict())
        lasting = (*key[1:], reader.doc_count())
        ids = kept.get(lasting)
        if ids is not None:
            _touch(kept, lasting)
        else:
            found = array("I")
            compiled = self._compile_query(reader)
            inner = getattr(compiled, "child", compiled)
            complete = True
            for part in inner.subqueries if isinstance(inner, wq.Or) else [inner]:
                if not _gather(part, reader, 0, found, spent):
                    complete = False
                    break
            ids = sorted(set(found))
            if complete:  # a range cut at the deadline is only this search's
                _keep(kept, lasting, ids, KEPT_RANGES)
        if spent is not None:
            spent.memo[key] = ids
        return ids


class _DocList(matching.ListMatcher):
    """Whoosh's ListMatcher with a binary-search skip_to (Whoosh steps one by one
    through the list, which for a month of paragraphs is most of an AND's time)."""

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        if id > self._ids[self._i]:
            self._i = bisect_left(self._ids, id, self._i)


def _gather(part: wq.Query, reader, offset: int, ids: array, spent: Budget | None) -> bool:
    """Add the paragraphs of one tier's terms to `ids`; False once past the deadline."""
    fieldname = part.field()
    if isinstance(part, wq.Term):
        if (fieldname, part.text) not in reader:
            return True
        btexts = [part.text]
    elif isinstance(part, wq.TermRange):
        btexts = part._btexts(reader)  # only words the segment has
    else:  # nothing in range (Whoosh's NullQuery)
        return True
    for btext in btexts:
        if spent is not None and spent.expired():
            spent.cut = True
            return False
        block_ids(reader.postings(fieldname, btext), ids, offset)
    return True


def block_ids(m, out: array, offset: int = 0) -> None:
    """Append the ids of posting matcher `m` to `out`, a block at a time.

    Whoosh's all_ids() yields one id per Python call; the W3 codec's matcher holds
    each block's ids as a tuple, read here whole (the generic walk otherwise).
    """
    if not all(hasattr(m, a) for a in ("_read_data", "_next_block", "_data", "_byteids", "_i")):
        out.extend(offset + d for d in m.all_ids())
        return
    while m.is_active():
        if m._data is None:
            m._read_data()
        raw = m._data[0]
        # The W3 codec stores a block's ids as gaps (its delta_decode is a running sum).
        block = list(raw if m._byteids else accumulate(raw))[m._i :]
        out.extend(block if not offset else [offset + d for d in block])
        m._next_block()


_SWAPS: dict[type, type] = {
    wq.FuzzyTerm: FuzzyTerm,
    wq.Prefix: Prefix,
    wq.Wildcard: Wildcard,
    wq.Regex: Regex,
}


def speed_up(q: wq.Query, schema) -> wq.Query:
    """`q` with Whoosh's multi-term leaves replaced by the classes above."""
    from whoosh.fields import NUMERIC

    def swap(node: wq.Query) -> wq.Query:
        kind = _SWAPS.get(type(node))
        name = getattr(node, "fieldname", None)
        if kind is not None and name in schema and not isinstance(schema[name], NUMERIC):
            twin = kind.__new__(kind)
            twin.__dict__.update(node.__dict__)
            return twin
        if type(node) in (wq.NumericRange, wq.DateRange):
            twin = NumericRange.__new__(NumericRange)
            twin.__dict__.update(node.__dict__)
            return twin
        return node

    return q.accept(swap)
