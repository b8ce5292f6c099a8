"""Run a query against the index: rank, fall back, highlight. The library core.

`Engine` keeps one Whoosh searcher open (the TUI reuses it across keystrokes and
refreshes it when the index changes); the one-shot CLI makes one Engine, asks
once, and exits. Every direct use of Whoosh's searcher API is in this module.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from whoosh import query as wq
from whoosh.collectors import TimeLimit, WrappingCollector
from whoosh.matching import WrappingMatcher
from whoosh.reading import TermNotFound

from index.schema import SEARCH_FIELDS, WRITTEN_FIELD
from index.storage import folder_identity, open_index
from search import expansion
from search.highlight import WRITTEN, Span, match_spans
from search.languages import text_field
from search.query import (
    EmptyQuery,
    ParsedQuery,
    free_parts,
    parse,
    phrases,
    plain_words,
    positive,
    relax,
)
from search.scoring import (
    ADAPTIVE,
    ALL_FIRST,
    KEYWORDS,
    PLAIN,
    STRICT_WORDS,
    TIER,
    Coverage,
    EveryWordFirst,
    LuceneBM25,
    strip_tier,
)
from search.sorting import NEWEST, SCORE, in_date_order
from search.whoosh_fixes import apply as apply_whoosh_fixes

apply_whoosh_fixes()

ALL_WORDS = "all"
ANY_WORD = "any"
# Paragraphs shown per document before "+N more in this document" (the CLI default;
# Engine.search keeps 0 = no limit unless asked, for library callers).
PER_DOC = 3
# Neighbouring query words at most this many positions apart earn the proximity bonus.
PROXIMITY_SLOP = 8
# A query that finds fewer paragraphs than this gets a did-you-mean check.
FEW_HITS = 3
# How many matches past a full page are still checked for copies of its paragraphs.
# Copies score about alike: on BBC + Reuters, ten queries' 61 copies (with no bound)
# ranked at most 22 places past the page.
COPIES_LOOKAHEAD = 100
# `-C`: a document of more paragraphs than this (plus those wanted) has its context
# paragraphs found by number rather than by reading every paragraph's stored fields.
LONG_DOCUMENT = 64


@dataclass
class TermShare:
    """One query word's part in a hit's score (`--explain`)."""

    word: str
    score: float
    matched: bool

    def share(self, total: float) -> float:
        return self.score / total if total > 0 else 0.0


@dataclass
class Hit:
    """One ranked paragraph, with character spans of the matched words."""

    rank: int
    score: float
    doc_id: str
    path: str
    title: str
    heading: str
    paragraph: int
    text: str
    highlights: list[Span]
    title_highlights: list[Span] = field(default_factory=list)
    date: datetime | None = None
    source: str = ""
    page: int | None = None
    file_key: str = ""
    root: str = ""
    missing: list[str] = field(default_factory=list)  # query words this paragraph lacks
    more_in_doc: int = 0  # further matching paragraphs of the document, not shown
    explain: list[TermShare] = field(default_factory=list)  # filled when asked
    # each query word (as typed) -> where it matched: "text", "title", "heading"
    matched_in: dict[str, list[str]] = field(default_factory=dict)
    docnum: int = -1
    lang: str = ""  # the document's language; its analyzer finds the highlight spans
    # `context`: the paragraphs just before and after it in its document
    before: list[Hit] = field(default_factory=list)
    after: list[Hit] = field(default_factory=list)
    # paragraphs with the same text that matched too and are not shown (wire copies,
    # boilerplate): {"path", "doc_id", "paragraph"} each
    copies: list[dict] = field(default_factory=list)


@dataclass
class SearchResult:
    """What one search found: its hits, counts, time, and what it repaired or offers."""

    query: str
    hits: list[Hit]
    total: int  # paragraphs that match, not only those shown
    elapsed_ms: float
    mode: str = ALL_WORDS  # ANY_WORD when no paragraph has all the words
    notices: list[str] = field(default_factory=list)
    suggestion: str | None = None  # did-you-mean: a respelled query that finds more
    expanded_with: list[str] = field(default_factory=list)  # --expand: words added

    # True when the time limit stopped the search: hits and total cover only part of
    # the index (the first paragraphs scanned, not necessarily the best).
    partial: bool = False


# No single query may hold the CLI or the TUI longer than this (seconds).
TIME_LIMIT_SECONDS = 1.0


@dataclass
class Ranked:
    """Whoosh's ranking before hits are dressed up: what the relevance harness reads."""

    query: wq.Query  # what ran
    base: wq.Query  # the query as parsed (for highlighting and explain)
    parts: list[tuple[str, wq.Query]]  # (word as typed, its query) of the free words
    rows: list[tuple[int, float, dict, int]]  # (docnum, score, stored fields, more in doc)
    total: int
    notices: list[str]
    expanded_with: list[str] = field(default_factory=list)
    relaxed: bool = False  # partial matches allowed: hits may miss some words
    copies: dict[int, list[int]] = field(default_factory=dict)  # shown -> hidden same text
    # where each word matched, for the paragraphs the ranking already checked (search.said)
    matched_in: dict[int, dict[str, list[str]]] = field(default_factory=dict)


class Engine:
    """An open index plus one reusable searcher."""

    def __init__(self, index_dir: Path, *, strategy: str = ALL_FIRST, weighting=None):
        self.index_dir = Path(index_dir)
        self._folder = folder_identity(self.index_dir)
        self.ix = open_index(self.index_dir)
        self.schema = self.ix.schema
        self.analyzer = self.schema["text"].analyzer
        self.written = self.schema[WRITTEN_FIELD].analyzer  # written forms (search.written)
        self.strategy = strategy
        self.weighting = weighting if weighting is not None else LuceneBM25()
        self.drop_function_words = True  # in sentence-long queries (see search.prose)
        self.proximity = 0.0  # weight of the word-pair proximity bonus (0: off)
        self._function_stems: dict[str, set[str]] = {}  # by field
        self._searcher = None
        self.time_limit: float | None = TIME_LIMIT_SECONDS
        self._timed_out = False
        self._context_cut = False  # the time limit left some hits without `-C` context
        self._deadline: float | None = None

    # lifecycle
    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    @property
    def searcher(self):
        if self._searcher is None:
            self._searcher = self.ix.searcher(weighting=self.weighting)
        return self._searcher

    def refresh(self) -> bool:
        """Pick up new commits; True when the index changed since the last look."""
        if self._searcher is None:
            return False
        folder = folder_identity(self.index_dir)
        if folder != self._folder:
            # A rebuild swapped in a new folder: its generations say nothing about ours.
            self._folder = folder
            self._searcher.close()
            self._searcher = self.ix.searcher(weighting=self.weighting)
            return True
        if self._searcher.up_to_date():
            return False
        self._searcher = self._searcher.refresh()
        return True

    def paragraph_count(self) -> int:
        return self.searcher.doc_count()

    # querying
    def parse(self, text: str) -> ParsedQuery:
        from search.path_parts import by_components

        parsed = parse(text, self.schema)
        parsed.query = expansion.speed_up(by_components(parsed.query), self.schema)
        return parsed

    def search(
        self,
        text: str,
        limit: int | None = 10,
        *,
        per_doc: int = 0,
        explain: bool = False,
        expand: bool = False,
        suggest: bool = True,
        partial: bool | None = None,
        context: int = 0,
        sort: str = SCORE,
        dedupe: bool = False,
    ) -> SearchResult:
        """Rank paragraphs for `text`. Raises search.query.EmptyQuery on a vacuous query.

        Paragraphs with every word come first; when there are fewer than `limit` of
        them, paragraphs with some of the words follow, each listing what it misses.
        per_doc: at most this many paragraphs per document (0: no limit).
        explain: fill each hit's `explain` with the words' shares of its score.
        expand: add words from the top paragraphs (pseudo-relevance feedback).
        partial: False keeps to every-word matches, falling back to any word only when
        none has them all (what `--count` and `-l` count); True fills up to `limit`
        with partial matches; None (the default) decides by the query: a query of up
        to STRICT_WORDS words keeps to every-word matches, a longer one is filled
        (under AND it would stop at the few paragraphs that happen to have them all).
        context: give each hit the `context` paragraphs before and after it in its
        document (`before`, `after`), highlighted like the hit.
        sort: NEWEST or OLDEST orders the paragraphs with every word (any, when none
        has them all) by their document's date instead of by score (search.sorting).
        dedupe: show a paragraph whose text one ranked above it has only as that
        one's copy (`Hit.copies`), as the CLI and the TUI do; off, every paragraph.
        """
        started = time.perf_counter()
        with self._limited() as spent:
            if sort != SCORE:
                partial = False  # in date order a partial match could outrank a full one
            ranked = self.rank(
                text,
                limit,
                per_doc=per_doc,
                expand=expand,
                partial=partial,
                sort=sort,
                dedupe=dedupe,
            )
            hits = self._hits(ranked, explain, context)
        notices = list(ranked.notices)
        complete = sum(1 for h in hits if not h.missing)
        mode = ALL_WORDS if (complete or not hits) else ANY_WORD
        if hits and not complete:
            notices.append("no paragraph has all the words; showing paragraphs with some of them")
        elif complete < len(hits):
            notices.append(
                "fewer paragraphs than asked have all the words; "
                "the rest have some of them (missing words shown)"
            )
        notices += self._limit_notices(spent, "search", ranked.base)
        if sort != SCORE and hits and not any(h.date for h in hits):
            notices.append("none of these paragraphs has a date; they are in order of score")
        suggestion = None
        # Respell when little has every word; for prose, only when little matches at all.
        few = ranked.total < FEW_HITS or (complete < FEW_HITS and len(ranked.parts) <= KEYWORDS)
        if suggest and few and (limit is None or complete < limit):
            # Within what is left of this search's time limit.
            end = started + self.time_limit if self.time_limit else None
            suggestion = self.did_you_mean(text, deadline=end)
        return SearchResult(
            query=text,
            hits=hits,
            total=ranked.total,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            mode=mode,
            notices=notices,
            suggestion=suggestion,
            expanded_with=ranked.expanded_with,
            partial=self._timed_out or self._context_cut or spent.partial,
        )

    def every_match(self, text: str) -> tuple[Ranked, list[str], bool]:
        """Every paragraph with all the words (any, when none has all), unhighlighted,
        within the time limit: what `-c` and `-l` report. Returns the ranking, its
        notices and whether it is partial (stopped at the limit, or a pattern capped)."""
        with self._limited() as spent:
            ranked = self.rank(text, None, partial=False)
        notices = list(ranked.notices) + self._limit_notices(spent, "search", ranked.base)
        if ranked.relaxed and ranked.total:  # as `search` says it, or a count misleads
            notices.append("no paragraph has all the words; these are the ones with some of them")
        return ranked, notices, self._timed_out or spent.partial

    def count_matches(self, text: str) -> tuple[int, list[str], bool]:
        """`-c`: (paragraphs with every word, any when none has all; its notices;
        whether it is partial), counted unranked within the time limit (search.counting)."""
        from search import counting

        def walk(q: wq.Query) -> tuple[None, int, bool]:
            total, cut = counting.count(self.searcher, q, self._deadline)
            return None, total, cut

        _, total, notices, partial = self._unranked(text, walk, "count")
        return total, notices, partial

    def matching_paths(self, text: str) -> tuple[list[str], list[str], bool]:
        """`-l`: (paths of the documents with a paragraph that has every word, in
        index order; notices; whether the list is partial), within the time limit."""
        from search import counting

        def walk(q: wq.Query) -> tuple[list[str], int, bool]:
            return counting.paths(self.searcher, q, self._deadline)

        paths, _, notices, partial = self._unranked(text, walk, "list")
        return paths or [], notices, partial

    def _unranked(self, text: str, walk, what: str):
        """What `every_match` finds, found by `walk(query) -> (found, total, cut)`:
        the query as written, or its OR when no paragraph has every word."""
        with self._limited() as spent:
            parsed = self.parse(text)
            q = parsed.query
            notices = list(parsed.notices)
            found, total, cut = walk(q)
            if not total and not cut:
                counts = self._word_counts(text)
                relaxed = relax(q, lambda free: wq.Or(_counted(self._content_words(free), counts)))
                if relaxed is not None:
                    found, total, cut = walk(relaxed)
                    if total:
                        notices.append(
                            "no paragraph has all the words; these are the ones with some of them"
                        )
            self._timed_out = self._timed_out or cut or spent.cut
            notices += self._limit_notices(spent, what, q)
        return found, total, notices, self._timed_out or spent.partial

    @contextmanager
    def _limited(self) -> Iterator[expansion.Budget]:
        """One search within `time_limit`: its runs and expansions share one deadline
        and one budget (every expansion done once); `_timed_out` says if it was hit."""
        self._timed_out = self._context_cut = False
        self._deadline = time.perf_counter() + self.time_limit if self.time_limit else None
        try:
            with expansion.budget(self._deadline) as spent:
                yield spent
        finally:
            self._deadline = None

    def _limit_notices(self, spent, what: str = "search", q: wq.Query | None = None) -> list[str]:
        """What the time limit and the cap on pattern words cut from a search (or a
        `count` or a file `list`), naming what in `q` made it slow."""
        notices = []
        if self._timed_out:
            from search.slowness import slow_hint

            hint = slow_hint(q, self.searcher) if q is not None else ""
            subject, done, exact = {
                "search": ("search", "these results are partial", "lifts the limit"),
                "count": ("count", "the figure is partial", "gives the exact figure"),
                "list": ("file list", "the list is partial", "gives the whole list"),
            }[what]
            notices.append(
                f"the {subject} took over {self.time_limit:g} s and was stopped; {done} "
                f"({hint}; --time-limit 0 {exact})"
            )
        elif self._context_cut:
            notices.append(
                f"the search took over {self.time_limit:g} s and was stopped before every "
                "hit had the paragraphs around it (try fewer hits or less context)"
            )
        for pattern, count in spent.capped.items():
            notices.append(
                f"{pattern} matches {count:,} words; searched the "
                f"{expansion.MAX_EXPANSIONS:,} most common (results are partial)"
            )
        return notices

    def rank(
        self,
        text: str,
        limit: int | None = 10,
        *,
        per_doc: int = 0,
        expand: bool = False,
        count_more: bool = True,
        partial: bool | None = None,
        sort: str = SCORE,
        dedupe: bool = False,
    ) -> Ranked:
        """Parse and rank, without highlighting (the harness and `search` both use this).

        dedupe: show a paragraph whose text is the same as one ranked above it only as
        that one's copy (`Ranked.copies`); the `search` command and the TUI do, the
        harness does not (it ranks documents, and a copy is its own document there).
        """
        parsed = self.parse(text)
        q = parsed.query
        parts = self.query_parts(text, q)
        if partial is None:
            partial = len(parts) > (KEYWORDS if self.strategy == ADAPTIVE else STRICT_WORDS)
        strict = self.strategy == ALL_ONLY or not partial
        # Collapsing walks the whole ranking, so it asks Whoosh for every match.
        # (and at least 5: Whoosh miscounts an OR over fields with limit 1 or 2; see _run)
        # So do sorting by date and setting copies aside.
        # So does putting the paragraphs that say every word first (_said_order).
        tiered = sort == SCORE and self.strategy in (ALL_FIRST, ALL_ONLY) and bool(parts)
        walk = per_doc > 0 or sort != SCORE or dedupe or tiered
        depth = None if walk or limit is None else max(limit, 5)
        counts = self._word_counts(text)
        run, results, lift = q, None, True
        keywords = len(parts) <= KEYWORDS and not expand and not self.proximity
        if not strict and self.strategy == ALL_FIRST and keywords:
            # Every-word matches come first: when a keyword query's matches fill the
            # page, the partial ones would never be shown, and the intersection is
            # the cheaper query (a sentence seldom has ten of them: no try there).
            results = self._run(q, depth)
            strict = self._fills(results, limit, per_doc, dedupe)
            if not strict:
                lift = not results.is_empty()  # none to lift: the plain union is faster
                results = None
        if not strict:
            run = relax(q, lambda free: self._combine(free, counts, lift=lift)) or q
        loose = run is not q
        if self.proximity > 0 and loose:
            run = self._with_proximity(run, parts)
        expanded_with: list[str] = []
        if expand:
            from search.expand import expand_query

            run, expanded_with = expand_query(self, run, parts, per_doc=per_doc)
        if results is None:
            results = self._run(run, depth)
        if strict and results.is_empty():
            # The core issue's fallback: OR only when AND finds nothing.
            relaxed = relax(q, lambda free: wq.Or(_counted(self._content_words(free), counts)))
            if relaxed is not None:
                run, loose, tiered = relaxed, True, False  # none has every word
                results = self._run(run, depth)
        copies: dict[int, list[int]] = {}
        if walk:
            order = None
            if sort != SCORE:
                order = in_date_order(self.searcher, results.top_n, newest=sort == NEWEST)
            elif tiered:
                order = self._said_order(results.top_n, parts, every_word=strict)
            kept = copies if dedupe else None
            rows = self._collapse(results, limit, per_doc, count_more, order, kept)
        else:
            top = results.top_n if limit is None else results.top_n[:limit]
            rows = [(d, s, self.searcher.stored_fields(d), 0) for s, d in top]
        checked = getattr(order, "where", {}) if walk else {}
        return Ranked(
            run, q, parts, rows, len(results), parsed.notices, expanded_with, loose, copies, checked
        )

    def _said_order(self, top_n, parts: list[tuple[str, wq.Query]], every_word: bool):
        """The ranking with the paragraphs that say every word of `parts` themselves ahead
        of those that borrow one from their title or heading, then partial matches
        (search.said). every_word: every row has all the words (an AND query); else
        those that do are the ones lifted by a tier (EveryWordFirst)."""
        from search.said import SaidOrder

        def complete(score: float) -> bool:
            return every_word or score >= TIER

        return SaidOrder(self.searcher, parts, top_n, complete, self._deadline)

    def _fills(self, results, limit: int | None, per_doc: int, dedupe: bool = False) -> bool:
        """Whether `results` alone fill a page of `limit` rows (`per_doc` to a document,
        copies set aside when `dedupe`)."""
        if limit is None:
            return False
        if per_doc > 0 or dedupe:
            kept = {} if dedupe else None
            rows = self._collapse(results, limit, per_doc, count_more=False, copies=kept)
            return len(rows) >= limit
        return len(results) >= limit

    def _collapse(
        self,
        results,
        limit: int | None,
        per_doc: int,
        count_more: bool,
        order=None,
        copies: dict[int, list[int]] | None = None,
    ) -> list:
        """The ranking (or `order`, the same matches in another order) with at most
        `per_doc` paragraphs of each document (0: all), each shown document told how
        many more of its paragraphs match. `copies`: set aside a paragraph whose text
        is that of one shown before it, listed under that one's docnum."""
        shown: dict[tuple[str, str], int] = {}
        first_with: dict[str, int] = {}  # a shown paragraph's text -> its docnum
        rows = []
        past_page = 0
        for score, docnum in results.top_n if order is None else order:
            if limit is not None and len(rows) >= limit:
                # Copies score about alike, so they rank close together: look a little
                # past the page for more copies of its paragraphs, not at every match.
                if not past_page and hasattr(order, "settle"):
                    order.settle()  # past the page the order no longer matters
                past_page += 1
                if copies is None or past_page > COPIES_LOOKAHEAD:
                    break
            stored = self.searcher.stored_fields(docnum)
            if copies is not None:
                same = " ".join(stored.get("text", "").split()).casefold()
                if same and same in first_with:
                    copies[first_with[same]].append(docnum)
                    continue
            if past_page:
                continue
            key = (stored.get("file_key", ""), stored.get("doc_id", ""))
            if per_doc and shown.get(key, 0) >= per_doc:
                continue
            if copies is not None and same:
                first_with[same] = docnum
                copies[docnum] = []
            shown[key] = shown.get(key, 0) + 1
            rows.append([docnum, score, stored, key])
        if count_more and per_doc and len(results) > len(rows):
            matched = {docnum for _, docnum in results.top_n}  # every match: no limit
            # Only the last paragraph shown of a document says how many more it has.
            last = {row[3]: i for i, row in enumerate(rows)}
            for i, row in enumerate(rows):
                key = row[3]
                more = self._matching_paragraphs(key, matched) - shown[key] if last[key] == i else 0
                row[3] = max(0, more)
        else:
            for row in rows:
                row[3] = 0
        return [tuple(row) for row in rows]

    def _matching_paragraphs(self, key: tuple[str, str], matched: set[int]) -> int:
        """How many paragraphs of one document (file_key + doc_id) are in `matched`."""
        file_key, doc_id = key
        ids = set(self.searcher.docs_for_query(wq.Term("doc_id", doc_id))) & matched
        stored = self.searcher.stored_fields
        return sum(1 for d in ids if stored(d).get("file_key", "") == file_key)

    def _word_counts(self, text: str) -> Counter[str]:
        """How often each (stemmed) word occurs in the query.

        Whoosh's parser keeps one copy of a repeated word; BM25 (as Lucene and every
        reference run score it) counts a word asked three times three times, and
        sentence-long requests repeat their key words ("associative stores,
        associative memory")."""
        return Counter(t.text for w in plain_words(text) for t in self.analyzer(w, mode="query"))

    def _combine(
        self, free: list[wq.Query], counts: Counter[str] | None = None, *, lift: bool = True
    ) -> wq.Query:
        """The free words as one query that also matches paragraphs with some of them.

        lift: rank the paragraphs with every word first (ALL_FIRST); False when it is
        known that none has them all.
        """
        free = self._scored_words(free, counts)
        many = len(free) > KEYWORDS
        if self.strategy == ALL_FIRST and lift and len(free) > 1:
            return EveryWordFirst(free)  # faster than Coverage's tree when it counts
        if self.strategy in (PLAIN, ALL_FIRST) or (self.strategy == ADAPTIVE and many):
            # BM25 alone. For many words Whoosh's array union (postings preloaded and
            # summed per document) is several times faster than its tree of union
            # matchers, which it only picks for indexes under 5000 paragraphs; for a
            # few words on a large index the tree is faster.
            union = wq.Or(free)
            if many:
                union.matcher_type = wq.Or.ARRAY_MATCHER
            return union
        return Coverage(free, strategy=self.strategy)

    def _scored_words(
        self, free: list[wq.Query], counts: Counter[str] | None = None
    ) -> list[wq.Query]:
        """The words a relaxed query scores: without a sentence's function words, one
        part per word, boosted by how often the query asks for it."""
        free = self._content_words(free)
        return _counted(free, counts) if counts else free

    def _content_words(self, free: list[wq.Query]) -> list[wq.Query]:
        return [part for part, kept in zip(free, self._searched(free), strict=True) if kept]

    def _searched(self, free: list[wq.Query]) -> list[bool]:
        """Which free words a relaxed query searches for: all of them, but a sentence's
        function words (search.prose) only when it has nothing else.

        A sentence is German when at least two of its words are German function words
        and not English ones, and more than the other way round: one such word can be
        an English one's stem (`due` -> `du`) or an English noun (`man`, `die`)."""
        if self.drop_function_words and len(free) > KEYWORDS:
            english = [self._is_function_word(part) for part in free]
            german = [self._is_function_word(part, "text_de") for part in free]
            german_only = sum(g and not e for e, g in zip(english, german, strict=True))
            english_only = sum(e and not g for e, g in zip(english, german, strict=True))
            is_german = german_only >= 2 and german_only > english_only
            function = german if is_german else english
            if not all(function):
                return [not f for f in function]
        return [True] * len(free)

    def _with_proximity(self, run: wq.Query, parts: list[tuple[str, wq.Query]]) -> wq.Query:
        """Reward paragraphs where neighbouring query words stand close together.

        Each pair of words next to each other in the query becomes an optional
        phrase with slop PROXIMITY_SLOP (the "ordered window" of Metzler and Croft's
        sequential dependence model); it only re-ranks what `run` matches.
        """
        stems = []
        for _, part in parts:
            if self._is_function_word(part):
                continue
            texts = [
                leaf.text
                for leaf in part.leaves()
                if isinstance(leaf, wq.Term) and leaf.field() == "text"  # English stems
            ]
            texts = [t for t in texts if t]
            if texts and len(set(texts)) == 1:
                stems.append(texts[0])
        pairs = [
            wq.Phrase("text", [a, b], slop=PROXIMITY_SLOP, boost=self.proximity)
            for a, b in zip(stems, stems[1:], strict=False)
            if a != b
        ]
        return wq.AndMaybe(run, wq.Or(pairs)) if pairs else run

    def analyzer_for(self, field: str):
        """The analyzer of a language's text field (`analyzer` for English)."""
        return self.analyzer if field == "text" else self.schema[field].analyzer

    def function_stems(self, field: str = "text") -> set[str]:
        """The stems of `field`'s language's function words (`what`, `which`, `there`:
        search.prose), as that field's analyzer makes them; none for other fields."""
        if field not in self._function_stems:
            from search.prose import BY_FIELD

            words = BY_FIELD.get(field, ()) if field in self.schema else ()
            analyzer = self.analyzer_for(field) if words else None
            # One analyzer call for the whole list: its tokens are each word's (the
            # analyzers look at one word at a time; tests/test_cold_start.py checks),
            # and a call per word cost the one-shot's did-you-mean a few ms.
            joined = " ".join(words)
            self._function_stems[field] = (
                {t.text for t in analyzer(joined, mode="query")} if words else set()
            )
        return self._function_stems[field]

    def _is_function_word(self, part: wq.Query, field: str = "text") -> bool:
        """Whether `part` is one function word of `field`'s language. Only its term in
        that field says so: the German field stems `where` to `wher`, `have` to `hav`."""
        leaves = list(part.leaves())
        if not leaves or not all(isinstance(leaf, wq.Term) for leaf in leaves):
            return False
        texts = [leaf.text for leaf in leaves if leaf.field() == field]
        stems = self.function_stems(field)
        return bool(texts) and all(text in stems for text in texts)

    def _run(self, q: wq.Query, limit: int | None):
        """Search within what is left of `time_limit`; past it, keep what was collected.

        Counts (`len()` of the results) are exact at any limit (see `_Deadline`).

        The collection loop checks the clock itself (from any thread, without the
        timer thread Whoosh's TimeLimitCollector starts per search), and so do the
        expansions of wildcards, fuzzy terms and ranges (search.expansion). In the
        main thread an interval timer also interrupts whatever else runs long.
        The budget covers both runs of a search (the AND query and its OR fallback).
        """
        # optimize=False, and _Deadline keeps Whoosh from pruning: every match is
        # collected and counted, and the top N is exact.
        collector = self.searcher.collector(limit=limit, optimize=False)
        if not self.time_limit:
            with expansion.budget(None):
                self.searcher.search_with_collector(q, _Deadline(collector, None))
            return collector.results()
        now = time.perf_counter()
        if self._deadline is None:  # the first run of this search (search() resets it)
            self._deadline = now + self.time_limit
        budget = max(0.001, self._deadline - now)
        # Expansions (wildcards, fuzzy terms, ranges) check the deadline themselves.
        with expansion.budget(self._deadline) as spent:
            try:
                with _interrupt_after(budget, TimeLimit):
                    self.searcher.search_with_collector(q, _Deadline(collector, self._deadline))
            except TimeLimit:
                self._timed_out = True
            if spent.cut:
                self._timed_out = True
        return collector.results()

    def query_parts(self, text: str, q: wq.Query) -> list[tuple[str, wq.Query]]:
        """The free words/phrases of `q`, each with the spelling the person typed."""
        surface = self._surface_map(text)
        return [(_label(part, surface), part) for part in free_parts(q)]

    def _surface_map(self, text: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for word in plain_words(text):
            for token in self.analyzer(word, mode="query"):
                found.setdefault(token.text, word)  # as typed: `Yeutter`, not `yeutter`
        return found

    def highlight_terms(
        self, q: wq.Query, texts: Iterable[str] | None = None
    ) -> tuple[set[str], list[tuple[list[str], int]]]:
        """Index terms to light up (wildcards and fuzzy terms expanded) and phrases.

        With `texts` (the hits' text), wildcards and fuzzy terms are matched against
        those texts' words instead of being expanded over the whole index again,
        which for a fuzzy term on a large index takes longer than the search did.
        """
        pos = positive(q)
        if pos is None:
            return set(), []
        reader = self.searcher.reader()
        words: set[str] | None = None  # the texts' words, analysed only when needed
        forms: set[str] | None = None  # and their written forms
        terms: set[str] = set()
        for leaf in pos.leaves():
            fieldname = leaf.field()
            written = fieldname == WRITTEN_FIELD  # marked WRITTEN (search.highlight)
            if isinstance(leaf, wq.Phrase) or not (written or fieldname in SEARCH_FIELDS):
                continue
            if written and getattr(leaf, "word_group", None) is not None:
                continue  # a bare word's written form: its stems light up all it matched
            mark = WRITTEN if written else ""
            if texts is not None and isinstance(leaf, wq.MultiTerm):
                if written:
                    forms = forms if forms is not None else _words(texts, self.written)
                else:
                    words = words if words is not None else _words(texts, self.analyzer)
                local = _expand_within(leaf, forms if written else words)
                if local is not None:
                    terms |= {mark + w for w in local}
                    continue
            try:
                expanded = leaf.expanded_terms(reader)
            except Exception:  # a term type Whoosh cannot expand here; nothing to light
                continue
            for name, text in expanded:
                if name in SEARCH_FIELDS or name == WRITTEN_FIELD:
                    word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
                    terms.add(mark + word)
        return terms, [p for p in phrases(pos)]

    def term_shares(self, docnum: int, parts: list[tuple[str, wq.Query]]) -> list[TermShare]:
        """Each free word's BM25 score on one paragraph (0 and unmatched when absent)."""
        return self.shares_for([docnum], parts)[docnum]

    def shares_for(
        self, docnums: list[int], parts: list[tuple[str, wq.Query]]
    ) -> dict[int, list[TermShare]]:
        """term_shares for many paragraphs: one matcher per word, walked forward once."""
        order = sorted(set(docnums))
        found: dict[int, list[TermShare]] = {d: [] for d in order}
        for word, part in parts:
            matcher = part.matcher(self.searcher)
            for docnum in order:
                score, matched = 0.0, False
                if matcher.is_active() and matcher.id() < docnum:
                    matcher.skip_to(docnum)
                if matcher.is_active() and matcher.id() == docnum:
                    matched, score = True, float(matcher.score())
                found[docnum].append(TermShare(word, score, matched))
        return found

    def did_you_mean(self, text: str, deadline: float | None = None) -> str | None:
        """A respelling of `text` from words in the index that finds more, or None.

        "More" counts paragraphs with every word: a typo'd word is what keeps them out.
        `deadline` (perf_counter): give up then (a search passes what is left of its
        time limit); without one, a time limit of its own.
        """
        from search.spelling import suggest_query

        if deadline is not None:
            if time.perf_counter() >= deadline:
                return None
            self._deadline = deadline
            try:
                with expansion.budget(deadline):
                    return suggest_query(self, text)
            finally:
                self._deadline = None
        # The respelling looks up words like a fuzzy term does.
        with self._time_limited():
            return suggest_query(self, text)

    def count_all_words(self, text: str) -> int:
        """Paragraphs that match `text` as written (every word), without the fallback."""
        with self._time_limited():
            return len(self._run(self.parse(text).query, None))

    def count_any_words(self, text: str) -> int:
        """Paragraphs with any of `text`'s free words (filters and NOT still apply)."""
        with self._time_limited():
            q = self.parse(text).query
            return len(self._run(relax(q) or q, None))

    @contextmanager
    def _time_limited(self) -> Iterator[None]:
        """`time_limit` for a call made on its own; inside another (did-you-mean's
        counts), that one's. A deadline left behind by a direct call made every later
        one on this Engine time out at once."""
        if self._deadline is not None:
            yield
            return
        self._deadline = time.perf_counter() + self.time_limit if self.time_limit else None
        try:
            with expansion.budget(self._deadline):
                yield
        finally:
            self._deadline = None

    def _hits(self, ranked: Ranked, explain: bool, context: int = 0) -> list[Hit]:
        texts = [
            t for row in ranked.rows for t in (row[2].get("text", ""), row[2].get("title", ""))
        ]
        terms, phrase_list = self.highlight_terms(ranked.base, texts)
        # The words' shares name what a partial match misses and fill --explain; a
        # wildcard's share means scoring every word it expands to again: only on demand.
        docnums = [row[0] for row in ranked.rows]
        parts = ranked.parts
        if ranked.relaxed:  # a sentence's function words were not searched for
            searched = self._searched([part for _, part in parts])
            parts = [p for p, kept in zip(parts, searched, strict=True) if kept]
        if ranked.relaxed or explain:
            all_shares = self.shares_for(docnums, parts)
        else:
            all_shares = {d: [] for d in docnums}
        from search.said import matched_in

        where = dict(ranked.matched_in) if parts == ranked.parts else {}
        where.update(matched_in(self.searcher, [d for d in docnums if d not in where], parts))
        hits = []
        for rank, (docnum, score, f, more) in enumerate(ranked.rows, 1):
            hit = self._hit(rank, strip_tier(float(score or 0.0)), f, terms, phrase_list)
            shares = all_shares[docnum]
            hit.missing = [s.word for s in shares if not s.matched] if ranked.relaxed else []
            hit.more_in_doc = more
            hit.explain = shares if explain else []
            hit.matched_in = where[docnum]
            hit.docnum = docnum
            hit.copies = [self._location(d) for d in ranked.copies.get(docnum, [])]
            hits.append(hit)
        if context > 0:
            self._add_context(hits, context, terms, phrase_list)
        return hits

    def _location(self, docnum: int) -> dict:
        """Where a paragraph is: what `--json` lists for each copy of a hit."""
        f = self.searcher.stored_fields(docnum)
        return {
            "path": f.get("path", ""),
            "doc_id": f.get("doc_id", ""),
            "paragraph": int(f.get("paragraph", 0)),
        }

    def _add_context(self, hits: list[Hit], n: int, terms, phrase_list) -> None:
        """Give each hit the `n` paragraphs before and after it in its document (fewer
        at its ends), one lookup per document, within the search's time limit: past
        it, the later hits go without (`_context_cut`; the result says it is partial).

        `searcher.document` per neighbour intersected whole posting lists (every
        paragraph numbered 1, every paragraph of a JSON Lines file): `-C 3 -n 50 oil`
        took over 1 s on BBC + Reuters, past the limit it never checked."""
        by_doc: dict[tuple[str, str], list[Hit]] = {}
        for hit in hits:
            by_doc.setdefault((hit.file_key, hit.doc_id), []).append(hit)
        for (file_key, doc_id), group in by_doc.items():
            if self._deadline is not None and time.perf_counter() > self._deadline:
                self._context_cut = True
                return
            near = {h.paragraph: range(max(1, h.paragraph - n), h.paragraph + n + 1) for h in group}
            wanted = {k for p, ks in near.items() for k in ks if k != p}
            found = {
                number: self._hit(0, 0.0, fields, terms, phrase_list)
                for number, fields in self._paragraphs(file_key, doc_id, wanted).items()
            }
            for hit in group:
                ks = near[hit.paragraph]
                hit.before = [found[k] for k in ks if k < hit.paragraph and k in found]
                hit.after = [found[k] for k in ks if k > hit.paragraph and k in found]

    def _paragraphs(self, file_key: str, doc_id: str, numbers: set[int]) -> dict[int, dict]:
        """The stored fields of one document's paragraphs numbered `numbers`, by number.

        A short document's paragraphs are all read (about 30 µs each); a long one's
        are matched by number (about 3 ms a query, whatever the document's length)."""
        key = wq.Term("doc_id", doc_id) if doc_id else wq.Term("file_key", file_key)
        docnums: Iterable[int] = list(self.searcher.docs_for_query(key))  # a short list
        if len(docnums) > LONG_DOCUMENT + len(numbers):
            by_number = wq.Or([wq.Term("paragraph", k) for k in sorted(numbers)])
            docnums = self._walk(wq.And([wq.Term("file_key", file_key), key, by_number]))
        found: dict[int, dict] = {}
        for docnum in docnums:
            fields = self.searcher.stored_fields(docnum)
            number = int(fields.get("paragraph", 0))
            if fields.get("file_key", "") == file_key and number in numbers:
                found.setdefault(number, fields)
        return found

    def _walk(self, q: wq.Query) -> Iterator[int]:
        """The docnums `q` matches, its matcher stepped with skip_to: Whoosh's
        `docs_for_query` reads every id of each part of an And, however few match
        (and a NumericRange's every id before matching: hence terms for numbers)."""
        subs = self.searcher.subsearchers or [(self.searcher, 0)]
        for sub, offset in subs:
            try:
                matcher = q.matcher(sub, sub.boolean_context())
            except TermNotFound:
                continue
            while matcher.is_active():
                yield matcher.id() + offset
                matcher.next()

    def _hit(self, rank: int, score: float, f: dict, terms, phrase_list) -> Hit:
        text = f.get("text", "")
        title = f.get("title", "")
        lang = f.get("lang", "")
        analyzer = self.schema[text_field(lang)].analyzer  # the document language's own
        return Hit(
            rank=rank,
            score=score,
            doc_id=f.get("doc_id", ""),
            path=f.get("path", ""),
            title=title,
            heading=f.get("heading", ""),
            paragraph=int(f.get("paragraph", 0)),
            text=text,
            highlights=match_spans(text, analyzer, terms, phrase_list, self.written),
            title_highlights=match_spans(title, analyzer, terms, phrase_list, self.written),
            date=f.get("date"),
            source=f.get("source", ""),
            page=f.get("page"),
            file_key=f.get("file_key", ""),
            root=f.get("root", ""),
            lang=lang,
        )

    # reading (the TUI's document view and did-you-mean)
    def document(
        self, file_key: str, doc_id: str, query: str = "", mode: str = ALL_WORDS
    ) -> list[Hit]:
        """Every paragraph of one document, in order, with `query`'s words highlighted
        as a search in `mode` would highlight them (rank = position in the document)."""
        terms, phrase_list = self._document_terms(query, mode)
        keys = {"file_key": file_key, "doc_id": doc_id} if doc_id else {"file_key": file_key}
        found = sorted(self.searcher.documents(**keys), key=lambda f: f.get("paragraph", 0))
        return [self._hit(i, 0.0, f, terms, phrase_list) for i, f in enumerate(found, 1)]

    def _document_terms(self, query: str, mode: str) -> tuple[set[str], list]:
        """document()'s words and phrases to light up for `query`, kept for the last
        query asked on this searcher: the TUI previews hit after hit of one query, and
        a wildcard's or fuzzy word's expansion over the index is worth doing once."""
        key = (query, mode, self.searcher)
        kept = getattr(self, "_kept_document_terms", None)
        if kept is not None and kept[0] == key:
            return kept[1]
        terms: set[str] = set()
        phrase_list: list[tuple[list[str], int]] = []
        if query.strip():
            try:
                q: wq.Query | None = self.parse(query).query
            except EmptyQuery:
                q = None
            if q is not None and mode == ANY_WORD:
                q = relax(q) or q
            if q is not None:
                terms, phrase_list = self.highlight_terms(q)
        self._kept_document_terms = (key, (terms, phrase_list))
        return terms, phrase_list

    def suggest(self, text: str) -> str | None:
        """The TUI's did-you-mean: the same respelling the one-shot command offers."""
        try:
            return self.did_you_mean(text)
        except EmptyQuery:
            return None


ALL_ONLY = "all-only"  # the old behaviour: OR only when nothing has every word (for the harness)


def _counted(free: list[wq.Query], counts: Counter[str]) -> list[wq.Query]:
    """One part per word, boosted by how many times the query asks for it.

    Two spellings of one word (`resource`, `resources`) are two parts after parsing
    (other languages' fields keep them apart) but one English stem: keep the first,
    and let the count say how often the word was asked.
    """
    out: list[wq.Query] = []
    seen: set[str] = set()
    for part in free:
        terms = [leaf for leaf in part.leaves() if isinstance(leaf, wq.Term)]
        stems = {leaf.text for leaf in terms}
        english = {leaf.text for leaf in terms if leaf.field() == "text"}
        if len(english) == 1:
            (stem,) = english
            if stem in seen:
                continue
            seen.add(stem)
        # The counts are of English stems (the query analyzer's).
        n = max((counts.get(stem, 0) for stem in english or stems), default=0)
        out.append(part.with_boost(part.boost * n) if n > 1 else part)
    return out


def _label(part: wq.Query, surface: dict[str, str]) -> str:
    """How to name a query part to a person: the word as typed, not its stem."""
    names = list(dict.fromkeys(_leaf_label(leaf, surface) for leaf in part.leaves()))
    names = [n for n in names if n]
    if not names:
        return str(part)
    return names[0] if len(names) == 1 else "(" + " OR ".join(names) + ")"


def _leaf_label(leaf: wq.Query, surface: dict[str, str]) -> str | None:
    if leaf.field() == WRITTEN_FIELD and getattr(leaf, "word_group", None) is not None:
        return None  # a bare word's written form: its stem names it, as typed
    if leaf.field() in ("text", WRITTEN_FIELD):
        if isinstance(leaf, wq.Phrase):
            quoted = '"' + " ".join(surface.get(str(w), str(w)) for w in leaf.words) + '"'
            return quoted + (f"~{leaf.slop}" if leaf.slop > 1 else "")
        raw = getattr(leaf, "text", None)
        if raw is None:  # a range or other term-less leaf: name it as Whoosh prints it
            return str(leaf)
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        if isinstance(leaf, wq.Prefix):
            return text + "*"
        if isinstance(leaf, wq.FuzzyTerm):
            return surface.get(text, text) + "~"
        if isinstance(leaf, wq.Wildcard):
            return text
        if isinstance(leaf, wq.Term):
            return surface.get(text, text)


@contextmanager
def _interrupt_after(seconds: float, exc: type[BaseException]) -> Iterator[None]:
    """Raise `exc` in the main thread if the block runs longer than `seconds`.

    Elsewhere (the TUI's worker threads) it does nothing: signals reach only the
    main thread, and there the collector's own time check is the guard.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    armed = True

    def on_alarm(signum, frame) -> None:
        if armed:
            raise exc

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


class _Deadline(WrappingCollector):
    """Wraps a collector: every match is looked at, and TimeLimit is raised once
    `deadline` (perf_counter; None: never) has passed.

    Whoosh's top-N collector prunes the query as it goes (UnionMatcher.replace drops
    a part once its best possible score cannot reach the N-th hit, judging by the
    scorer's max_quality bounds). With our BM25 those bounds are not safe: on BBC +
    Reuters `oil prices` lost its 3rd and 4th best paragraphs, and the count missed
    every paragraph it skipped (2,312 of 5,235 for `oil`). Collecting without the
    pruning cost about the same on the benchmark set: faster for phrases and AND
    queries (where pruning skips little but costs its bookkeeping), a little slower
    for one common word.
    Checks the clock every 64 matches, so it costs nothing measurable per search.
    """

    def __init__(self, child, deadline: float | None):
        super().__init__(child)
        self.deadline = deadline

    def set_subsearcher(self, subsearcher, offset) -> None:
        self.child.set_subsearcher(subsearcher, offset)
        self.child.matcher = _Unpruned(self.child.matcher)
        self.subsearcher, self.matcher, self.offset = subsearcher, self.child.matcher, offset

    def collect_matches(self) -> None:
        child, deadline, clock = self.child, self.deadline, time.perf_counter
        if deadline is None:
            for sub_docnum in child.matches():
                child.collect(sub_docnum)
            return
        if clock() > deadline:
            raise TimeLimit
        for n, sub_docnum in enumerate(child.matches(), 1):
            child.collect(sub_docnum)
            if not n & 63 and clock() > deadline:
                raise TimeLimit


class _Unpruned(WrappingMatcher):
    """A matcher the collector may simplify (drop exhausted parts) but not prune."""

    def replace(self, minquality=0):
        simpler = self.child.replace(0)
        return self if simpler is self.child else _Unpruned(simpler)

    def supports_block_quality(self) -> bool:
        return False


def _words(texts: Iterable[str], analyzer) -> set[str]:
    """The index terms (analysed words) of `texts`."""
    return {t.text for text in texts if text for t in analyzer(text, mode="index")}


def _expand_within(leaf: wq.MultiTerm, words: set[str]) -> set[str] | None:
    """The words among `words` that a wildcard, prefix, regex or fuzzy leaf matches;
    None for a kind this does not know (the caller expands it over the index)."""
    import re

    if isinstance(leaf, wq.FuzzyTerm):
        from whoosh.support.levenshtein import distance

        text, prefix = leaf.text, leaf.prefixlength
        return {
            w
            for w in words
            if w[:prefix] == text[:prefix]
            and abs(len(w) - len(text)) <= leaf.maxdist
            and distance(w, text, limit=leaf.maxdist) <= leaf.maxdist
        }
    if isinstance(leaf, wq.Prefix):
        return {w for w in words if w.startswith(leaf.text)}
    if isinstance(leaf, wq.Wildcard | wq.Regex):
        pattern = re.compile(leaf._get_pattern())
        return {w for w in words if pattern.match(w)}
    return None
