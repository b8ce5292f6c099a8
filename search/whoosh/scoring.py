"""Lucene-style BM25 for Whoosh, so our scores mean what every IR paper's BM25 means.

Whoosh's stock `BM25F` differs from Lucene's BM25 (the reference every test
collection reports against) in its idf: Whoosh uses `log(N / (n + 1)) + 1`,
which stays positive and large for words in most paragraphs and lets common
words outvote rare ones; Lucene uses `log(1 + (N - n + 0.5) / (n + 0.5))`.
Its k1/b defaults (1.2/0.75) are Lucene's classic ones, Anserini's are 0.9/0.4;
ours, 1.5/0.5, were chosen on SciFact's 809 train queries (bench/RESULTS.md):
between 0.9 and 1.5 and b between 0.4 and 0.6 the train nDCG@10 moves by 0.005,
and it peaks there. The title and heading are folded into the text field
(index.whoosh.folded_text), so one field per language is scored.
"""

from __future__ import annotations

from array import array
from math import log

from whoosh import query as wq
from whoosh.matching import ArrayUnionMatcher, UnionMatcher, WrappingMatcher
from whoosh.scoring import WeightingModel, WeightLengthScorer, WeightScorer
from whoosh.util import make_binary_tree

from index.fields import field_language
from index.languages import ANALYZED, ENGLISH, analysis_language
from search.backend import (  # the strategies' names live at the seam
    ADAPTIVE,
    ALL_FIRST,
    COORD,
    PLAIN,
    TIERED,
)
from search.query.plan import KEYWORDS

K1 = 1.5
B = 0.5


def lucene_idf(doc_count: int, doc_freq: int) -> float:
    """Lucene's BM25 idf: never negative, small for words in most paragraphs."""
    return log(1.0 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))


def language_doc_counts(searcher) -> dict[str, int]:
    """How many paragraphs each analysis language's fields hold (Lucene's `docCount`
    of `text`, `text_de`, `text_ar`), from the `lang` field's word list: a paragraph is
    indexed in one language's fields only, and English's hold every paragraph not in
    another analysed language. Kept per searcher."""
    kept = searcher.__dict__.get("_language_doc_counts")
    if kept is not None:
        return kept
    counts = dict.fromkeys(ANALYZED, 0)
    if "lang" in searcher.schema:
        for value in searcher.lexicon("lang"):
            code = value.decode("utf-8") if isinstance(value, bytes) else value
            lang = analysis_language(code)
            if lang != ENGLISH:
                counts[lang] += searcher.doc_frequency("lang", value)
    counts[ENGLISH] = max(0, searcher.doc_count_all() - sum(counts.values()))
    searcher.__dict__["_language_doc_counts"] = counts
    return counts


def word_statistics(searcher, fields: list[str]) -> tuple[int, int]:
    """(N, total length) for BM25, over the language fields `fields` a word occurs in.

    A word's rarity is counted over the languages it is written in, all together
    (search.query.blended): an English word's N and average length are those of the English
    paragraphs, as on an English-only archive, however many German or Arabic ones the
    archive also holds; a word found in English and German paragraphs is counted over
    both. (Counted per field, `oil` was rare in German and its one German paragraph,
    about the Edmonton Oilers, came first; counted over every paragraph, an English
    word's N grew with each German document added and ranked three-word queries
    differently from an English-only archive.) Fields of no language: every paragraph.
    """
    if not fields or any(field_language(f) is None for f in fields):
        name = fields[0] if fields else ""
        length = searcher.field_length(name) if name in searcher.schema else 0
        return searcher.doc_count_all(), length
    counts = language_doc_counts(searcher)
    n_docs = sum(counts[field_language(f)] for f in set(fields))
    length = sum(searcher.field_length(f) for f in set(fields) if f in searcher.schema)
    return n_docs, length


def field_doc_count(searcher, fieldname: str) -> int:
    """BM25's N for one field: its language's paragraphs (every paragraph for the
    written forms and the fields of no language)."""
    return word_statistics(searcher, [fieldname])[0]


class LuceneBM25(WeightingModel):
    """BM25 with Lucene's idf; `k1`, `b` as in Lucene (per-field b via `field_b`)."""

    def __init__(
        self,
        k1: float = K1,
        b: float = B,
        field_b: dict[str, float] | None = None,
        delta: float = 0.0,
    ):
        self.k1 = k1
        self.b = b
        self.field_b = dict(field_b or {})
        self.delta = delta  # BM25+ (Lv & Zhai): a floor for any occurrence, 0 = off
        # (doc frequency, N, total length) fixed by with_statistics
        self.statistics: tuple[int, int, int] | None = None

    # (N, total length) over the language fields a word occurs in, for the query
    # nodes that blend a word's statistics (search.query.blended).
    word_statistics = staticmethod(word_statistics)

    def with_statistics(self, statistics: tuple[int, int, int]) -> LuceneBM25:
        """This model with a word's statistics given, not looked up: the blended ones
        of its group (search.query.blended)."""
        twin = LuceneBM25(self.k1, self.b, self.field_b, self.delta)
        twin.statistics = statistics
        return twin

    def supports_block_quality(self) -> bool:
        return True

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return WeightScorer.for_(searcher, fieldname, text)
        return LuceneBM25Scorer(
            searcher,
            fieldname,
            text,
            self.k1,
            self.field_b.get(fieldname, self.b),
            qf,
            self.delta,
            self.statistics,
        )


class LuceneBM25Scorer(WeightLengthScorer):
    def __init__(
        self,
        searcher,
        fieldname,
        text,
        k1: float,
        b: float,
        qf: int = 1,
        delta: float = 0.0,
        statistics: tuple[int, int, int] | None = None,
    ):
        # idf and average length are collection statistics: take them from the
        # top-level searcher, not the segment being scored.
        parent = searcher.get_parent()
        if statistics is None:
            doc_frequency = parent.doc_frequency(fieldname, text)
            n_docs, length = word_statistics(parent, [fieldname])
        else:
            doc_frequency, n_docs, length = statistics
        n_docs = max(1, n_docs)
        self.idf = lucene_idf(n_docs, doc_frequency)
        self.avgfl = length / n_docs or 1.0
        self.k1, self.b, self.qf, self.delta = k1, b, qf, delta
        self.setup(searcher, fieldname, text)

    def _score(self, weight: float, length: float) -> float:
        norm = self.k1 * ((1.0 - self.b) + self.b * length / self.avgfl)
        saturated = weight * (self.k1 + 1.0) / (weight + norm)
        return self.qf * self.idf * (saturated + self.delta if weight > 0 else 0.0)


# How paragraphs that lack some of the query's words are ranked (see `Coverage`).
_TIER = 1e6  # larger than any BM25 sum, so a tier always outranks the one below
TIER = _TIER
_PART = 2048  # paragraphs an array union reads at a time
_ZEROS = array("d", bytes(8 * _PART))
_NONE = array("H", bytes(2 * _PART))


class Coverage(wq.Or):
    """OR of the query's words whose score knows how many of them a paragraph has.

    Whoosh's Or sums the matched words' scores, so a paragraph that repeats one
    rare word can outrank one that has them all. This query keeps the union but
    scores each paragraph by `strategy`, from the number of parts it matches.
    """

    def __init__(self, subqueries, boost=1.0, minmatch=0, scale=None, strategy=TIERED):
        super().__init__(subqueries, boost=boost, minmatch=minmatch, scale=scale)
        self.strategy = strategy

    def __eq__(self, other):
        return super().__eq__(other) and self.strategy == getattr(other, "strategy", None)

    def __hash__(self):
        return super().__hash__() ^ hash(self.strategy)

    def normalize(self):
        return self  # keep one part per query word: coverage counts parts

    def _matcher(self, subs, searcher, context):
        parts = [q.matcher(searcher, context) for q in subs]
        strategy = self.strategy
        if strategy == ADAPTIVE:
            strategy = TIERED if len(subs) <= KEYWORDS else PLAIN
        return CoverageMatcher(parts, strategy)


class CoverageMatcher(WrappingMatcher):
    """A union of per-word matchers, scored by how many of them sit on the paragraph."""

    def __init__(self, parts, strategy: str):
        super().__init__(make_binary_tree(UnionMatcher, parts))
        self.parts = parts
        self.strategy = strategy

    def _replacement(self, newchild):
        return self

    def replace(self, minquality=0):
        return self  # the part matchers must stay the ones inside the union

    def copy(self):
        return CoverageMatcher([p.copy() for p in self.parts], self.strategy)

    def supports_block_quality(self):
        return False

    # Whoosh's collector prunes matchers whose best possible score cannot reach the
    # top N, judging by max_quality(); tier scores exceed the BM25 bound it would
    # report, so claim no bound at all.
    def max_quality(self):
        return float("inf")

    def block_quality(self):
        return float("inf")

    def score(self):
        doc = self.child.id()
        matched, total = 0, 0.0
        for part in self.parts:
            if part.is_active() and part.id() == doc:
                matched += 1
                total += part.score()
        n = len(self.parts)
        if self.strategy == TIERED:
            return matched * _TIER + total
        if self.strategy == ALL_FIRST:
            return (_TIER if matched == n else 0.0) + total
        if self.strategy == COORD:
            return total * matched / n
        return total


def strip_tier(score: float) -> float:
    """The BM25 part of a Coverage or EveryWordFirst score (what `--json` reports)."""
    return score % _TIER if score >= _TIER else score


class EveryWordFirst(wq.Or):
    """OR of the query's words, BM25-ranked, with paragraphs that have every word first.

    One pass: Whoosh's array union (postings read a block of paragraphs at a
    time, scores summed in an array, several times faster for many words than
    a tree of union matchers) also counts how many words each paragraph has,
    and lifts those with all of them by a tier. No second walk of the postings.
    """

    def normalize(self):
        return self  # one part per query word: the count must see each word once

    def _matcher(self, subs, searcher, context):
        ms = [sub.matcher(searcher, context) for sub in subs]
        scored = context.weighting is not None if context else True
        return _CountingArrayUnion(
            ms, searcher.doc_count_all(), len(subs), boost=self.boost, scored=scored
        )


class _CountingArrayUnion(ArrayUnionMatcher):
    def __init__(self, submatchers, doccount, words: int, boost=1.0, scored=True):
        self._words = words
        self._n = array("H", bytes(2 * _PART))
        super().__init__(submatchers, doccount, boost=boost, scored=scored, partsize=_PART)

    def _read_part(self):
        # ArrayUnionMatcher._read_part, also counting the words on each paragraph
        # (and clearing the arrays at C speed, not one slot at a time).
        limit = min(self._docnum + self._partsize, self._doccount)
        offset = self._docnum
        a, n, words, boost = self._a, self._n, self._words, self._boost
        a[:] = _ZEROS
        n[:] = _NONE
        for m in self._submatchers:
            while m.is_active() and m.id() < limit:
                i = m.id() - offset
                a[i] += m.score() * boost if self._scored else 1
                n[i] += 1
                if n[i] == words:
                    a[i] += _TIER
                m.next()
        self._offset = offset
        self._limit = limit

    def max_quality(self):
        return float("inf")  # a tier above any BM25 bound: never prune on it

    def block_quality(self):
        return float("inf")

    def supports_block_quality(self):
        return False
