"""Run a query against the index: rank, fall back, highlight. The library core.

`Engine` keeps one Whoosh searcher open (the TUI reuses it across keystrokes and
refreshes it when the index changes); the one-shot CLI makes one Engine, asks
once, and exits. Every direct use of Whoosh's searcher API is in this module.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from whoosh import query as wq
from whoosh.collectors import TimeLimit, WrappingCollector

from index.schema import SEARCH_FIELDS
from index.storage import open_index
from search.highlight import Span, match_spans
from search.query import ParsedQuery, parse, phrases, positive, relax

ALL_WORDS = "all"
ANY_WORD = "any"


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


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    total: int  # paragraphs that match, not only those shown
    elapsed_ms: float
    mode: str = ALL_WORDS  # ANY_WORD when the AND query found nothing and OR did
    notices: list[str] = field(default_factory=list)
    # True when the time limit stopped the search: hits and total cover only part of
    # the index (the first paragraphs scanned, not necessarily the best).
    partial: bool = False


# No single query may hold the CLI or the TUI longer than this (seconds).
TIME_LIMIT_SECONDS = 1.0


class Engine:
    """An open index plus one reusable searcher."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.ix = open_index(self.index_dir)
        self.schema = self.ix.schema
        self.analyzer = self.schema["text"].analyzer
        self._searcher = None
        self.time_limit: float | None = TIME_LIMIT_SECONDS
        self._timed_out = False
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
            self._searcher = self.ix.searcher()
        return self._searcher

    def refresh(self) -> bool:
        """Pick up new commits; True when the index changed since the last look."""
        if self._searcher is None:
            return False
        if self._searcher.up_to_date():
            return False
        self._searcher = self._searcher.refresh()
        return True

    def paragraph_count(self) -> int:
        return self.searcher.doc_count()

    # querying
    def parse(self, text: str) -> ParsedQuery:
        return parse(text, self.schema)

    def search(self, text: str, limit: int | None = 10) -> SearchResult:
        """Rank paragraphs for `text`. Raises search.query.EmptyQuery on a vacuous query."""
        started = time.perf_counter()
        self._timed_out, self._deadline = False, None
        parsed = self.parse(text)
        notices = list(parsed.notices)
        q, mode = parsed.query, ALL_WORDS
        results = self._run(q, limit)
        if results.is_empty():
            relaxed = relax(q)
            if relaxed is not None:
                fallback = self._run(relaxed, limit)
                if not fallback.is_empty():
                    q, mode, results = relaxed, ANY_WORD, fallback
                    notices.append(
                        "no paragraph has all the words; showing paragraphs with any of them"
                    )
        hits = self._hits(q, results)
        self._deadline = None
        if self._timed_out:
            notices.append(
                f"the search took over {self.time_limit:g} s and was stopped; "
                "these results are partial (try fewer wildcards or fuzzy terms)"
            )
        return SearchResult(
            query=text,
            hits=hits,
            total=len(results),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            mode=mode,
            notices=notices,
            partial=self._timed_out,
        )

    def _run(self, q: wq.Query, limit: int | None):
        """Search within what is left of `time_limit`; past it, keep what was collected.

        The collection loop checks the clock itself (from any thread, without the
        timer thread Whoosh's TimeLimitCollector starts per search). In the main
        thread an interval timer also interrupts term expansion (leading wildcards,
        fuzzy terms), which happens before any document is collected.
        The budget covers both runs of a search (the AND query and its OR fallback).
        """
        # optimize=False makes the collector count every match, so `total` is exact.
        collector = self.searcher.collector(limit=limit, optimize=False)
        if not self.time_limit:
            self.searcher.search_with_collector(q, collector)
            return collector.results()
        now = time.perf_counter()
        if self._deadline is None:  # the first run of this search (search() resets it)
            self._deadline = now + self.time_limit
        budget = max(0.001, self._deadline - now)
        try:
            with _interrupt_after(budget, TimeLimit):
                self.searcher.search_with_collector(q, _Deadline(collector, self._deadline))
        except TimeLimit:
            self._timed_out = True
        return collector.results()

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
        terms: set[str] = set()
        for leaf in pos.leaves():
            if isinstance(leaf, wq.Phrase) or leaf.field() not in SEARCH_FIELDS:
                continue
            if texts is not None and isinstance(leaf, wq.MultiTerm):
                if words is None:
                    words = _words(texts, self.analyzer)
                local = _expand_within(leaf, words)
                if local is not None:
                    terms |= local
                    continue
            try:
                expanded = leaf.expanded_terms(reader)
            except Exception:  # a term type Whoosh cannot expand here; nothing to light
                continue
            for fieldname, text in expanded:
                if fieldname in SEARCH_FIELDS:
                    terms.add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
        return terms, [p for p in phrases(pos)]

    def _hits(self, q: wq.Query, results) -> list[Hit]:
        stored = [r.fields() for r in results]
        texts = [t for f in stored for t in (f.get("text", ""), f.get("title", ""))]
        terms, phrase_list = self.highlight_terms(q, texts)
        hits = []
        for rank, (r, f) in enumerate(zip(results, stored, strict=True), 1):
            text = f.get("text", "")
            title = f.get("title", "")
            hits.append(
                Hit(
                    rank=rank,
                    score=float(r.score or 0.0),
                    doc_id=f.get("doc_id", ""),
                    path=f.get("path", ""),
                    title=title,
                    heading=f.get("heading", ""),
                    paragraph=int(f.get("paragraph", 0)),
                    text=text,
                    highlights=match_spans(text, self.analyzer, terms, phrase_list),
                    title_highlights=match_spans(title, self.analyzer, terms, phrase_list),
                    date=f.get("date"),
                    source=f.get("source", ""),
                    page=f.get("page"),
                    file_key=f.get("file_key", ""),
                    root=f.get("root", ""),
                )
            )
        return hits


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
    """Wraps a collector; raises TimeLimit once `deadline` (perf_counter) has passed.

    Checks the clock every 64 matches, so it costs nothing measurable per search.
    """

    def __init__(self, child, deadline: float):
        super().__init__(child)
        self.deadline = deadline

    def collect_matches(self) -> None:
        child, deadline, clock = self.child, self.deadline, time.perf_counter
        if clock() > deadline:
            raise TimeLimit
        for n, sub_docnum in enumerate(child.matches(), 1):
            child.collect(sub_docnum)
            if not n & 63 and clock() > deadline:
                raise TimeLimit


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
