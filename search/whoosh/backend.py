"""The Whoosh backend: one open index and one reusable searcher.

The TUI reuses it across keystrokes and refreshes it when the index changes; the
one-shot command opens one, asks once and exits. Whoosh's searcher API is used
here and in the modules this one calls (ranking, collecting, patterns, scoring);
the fixes to Whoosh (search.whoosh.patches) are applied when a backend opens.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import query as wq
from whoosh.collectors import TimeLimit
from whoosh.reading import TermNotFound

from index.fields import SEARCH_FIELDS, WRITTEN_FIELD, text_field
from index.whoosh.storage import folder_identity, open_index
from search.backend import Backend, Limit, Ranked, RankOptions
from search.query.parsing import positive
from search.query.plan import QueryPlan, read
from search.query.written import WRITTEN
from search.results import TermShare
from search.whoosh import patches, patterns, ranking
from search.whoosh.collecting import Deadline, interrupt_after
from search.whoosh.scoring import LuceneBM25, field_doc_count, strip_tier

# `-C`: a document of more paragraphs than this (plus those wanted) has its context
# paragraphs found by number rather than by reading every paragraph's stored fields.
LONG_DOCUMENT = 64


class WhooshBackend(Backend):
    """An open Whoosh index plus one reusable searcher."""

    def __init__(self, index_dir: Path, *, weighting=None):
        patches.apply()
        self.index_dir = Path(index_dir)
        self._folder = folder_identity(self.index_dir)
        self.ix = open_index(self.index_dir)
        self.schema = self.ix.schema
        self.written = self.schema[WRITTEN_FIELD].analyzer  # written forms (search.query.written)
        self.weighting = weighting if weighting is not None else LuceneBM25()
        self._function_stems: dict[str, set[str]] = {}  # by field
        self._searcher = None
        self._limit: Limit | None = None
        self.timed_out = False

    # lifecycle
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

    # the query
    def plan(self, text: str) -> QueryPlan:
        from search.query.path_parts import by_components

        return read(
            text,
            self.schema,
            self.schema["text"].analyzer,
            lambda q: patterns.speed_up(by_components(q), self.schema),
        )

    # the time limit
    @contextmanager
    def limited(
        self, seconds: float | None, reset: bool = True, until: float | None = None
    ) -> Iterator[Limit]:
        """One search within `seconds`: its runs and expansions share one deadline and
        one budget (every expansion done once). A call made inside another (did-you-
        mean's counts) shares that one's: a deadline left behind by a direct call
        made every later one time out at once."""
        if reset:
            self.timed_out = False
        if self._limit is not None:
            yield self._limit
            return
        if until is not None:
            deadline: float | None = until
        else:
            deadline = time.perf_counter() + seconds if seconds else None
        limit = self._limit = Limit(seconds, deadline)
        try:
            with patterns.budget(deadline) as spent:
                try:
                    yield limit
                finally:
                    limit.cut, limit.capped = spent.cut, spent.capped
                    limit.cap = patterns.MAX_EXPANSIONS
        finally:
            self._limit = None

    def deadline(self) -> float | None:
        """The deadline of the limit the current call runs under (None: none)."""
        return self._limit.deadline if self._limit is not None else None

    def past_deadline(self) -> bool:
        limit = self._limit
        return (
            limit is not None
            and limit.deadline is not None
            and time.perf_counter() > limit.deadline
        )

    def run(self, q: wq.Query, limit: int | None):
        """Search within what is left of the time limit; past it, keep what was collected.

        Counts (`len()` of the results) are exact at any limit (see collecting.Deadline).

        The collection loop checks the clock itself (from any thread, without the
        timer thread Whoosh's TimeLimitCollector starts per search), and so do the
        expansions of wildcards, fuzzy terms and ranges (search.whoosh.patterns). In
        the main thread an interval timer also interrupts whatever else runs long.
        The budget covers both runs of a search (the AND query and its OR fallback).
        """
        # optimize=False, and Deadline keeps Whoosh from pruning: every match is
        # collected and counted, and the top N is exact.
        collector = self.searcher.collector(limit=limit, optimize=False)
        active = self._limit
        if active is None or active.deadline is None:
            with patterns.budget(None):
                self.searcher.search_with_collector(q, Deadline(collector, None))
            return collector.results()
        budget = max(0.001, active.deadline - time.perf_counter())
        # Expansions (wildcards, fuzzy terms, ranges) check the deadline themselves.
        with patterns.budget(active.deadline) as spent:
            try:
                with interrupt_after(budget, TimeLimit):
                    self.searcher.search_with_collector(q, Deadline(collector, active.deadline))
            except TimeLimit:
                self.timed_out = True
            if spent.cut:
                self.timed_out = True
        return collector.results()

    # ranking and counting
    def rank(self, plan: QueryPlan, options: RankOptions) -> Ranked:
        return ranking.rank(self, plan, options)

    def count_matches(self, plan: QueryPlan, options: RankOptions) -> tuple[int, bool]:
        """Counted unranked (search.whoosh.counting): from postings statistics or by
        stepping through the matching paragraph numbers, within the time limit."""
        from search.whoosh import counting

        def walk(q: wq.Query) -> tuple[None, int, bool]:
            total, cut = counting.count(self.searcher, q, self.deadline())
            return None, total, cut

        _, total, fell_back = self._unranked(plan, options, walk)
        return total, fell_back

    def matching_paths(self, plan: QueryPlan, options: RankOptions) -> tuple[list[str], bool]:
        from search.whoosh import counting

        def walk(q: wq.Query) -> tuple[list[str], int, bool]:
            return counting.paths(self.searcher, q, self.deadline())

        paths, _, fell_back = self._unranked(plan, options, walk)
        return paths or [], fell_back

    def _unranked(self, plan: QueryPlan, options: RankOptions, walk):
        found, total, cut, fell_back = ranking.unranked(self, plan, options, walk)
        spent = patterns.current()
        if cut or (spent is not None and spent.cut):
            self.timed_out = True
        return found, total, fell_back

    def slow_hint(self, q: wq.Query) -> str:
        from search.whoosh.slowness import slow_hint

        return slow_hint(q, self.searcher)

    def matched_in(
        self, docnums: list[int], parts: list[tuple[str, wq.Query]]
    ) -> dict[int, dict[str, list[str]]]:
        from search.whoosh.said import matched_in

        return matched_in(self.searcher, docnums, parts)

    def count(self, plan: QueryPlan, any_word: bool = False) -> int:
        from search.query.parsing import relax

        q = plan.query
        return len(self.run((relax(q) or q) if any_word else q, None))

    def count_matching(self, key: tuple[str, str], matched: set[int]) -> int:
        """How many paragraphs of one document (file_key + doc_id) are in `matched`."""
        file_key, doc_id = key
        ids = set(self.searcher.docs_for_query(wq.Term("doc_id", doc_id))) & matched
        stored = self.searcher.stored_fields
        return sum(1 for d in ids if stored(d).get("file_key", "") == file_key)

    # paragraphs
    def stored(self, docnum: int) -> dict:
        return self.searcher.stored_fields(docnum)

    def document(self, file_key: str, doc_id: str) -> list[dict]:
        keys = {"file_key": file_key, "doc_id": doc_id} if doc_id else {"file_key": file_key}
        return sorted(self.searcher.documents(**keys), key=lambda f: f.get("paragraph", 0))

    def paragraphs(self, file_key: str, doc_id: str, numbers: set[int]) -> dict[int, dict]:
        """A short document's paragraphs are all read (about 30 µs each); a long one's
        are matched by number (about 3 ms a query, whatever the document's length).

        `searcher.document` per neighbour intersected whole posting lists (every
        paragraph numbered 1, every paragraph of a JSON Lines file): `-C 3 -n 50 oil`
        took over 1 s on BBC + Reuters, past the limit it never checked."""
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

    # dressing hits
    def plain_score(self, score: float | None) -> float:
        return strip_tier(float(score or 0.0))

    def written_analyzer(self):
        return self.written

    def text_analyzer(self, lang: str):
        return self.schema[text_field(lang)].analyzer  # the document language's own

    def highlight_terms(
        self, q: wq.Query, texts: Iterable[str] | None = None
    ) -> tuple[set[str], list[tuple[list[str], int]]]:
        """With `texts` (the hits' text), wildcards and fuzzy terms are matched against
        those texts' words instead of being expanded over the whole index again,
        which for a fuzzy term on a large index takes longer than the search did."""
        from search.query.parsing import phrases

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
                    analyzer = self.schema["text"].analyzer
                    words = words if words is not None else _words(texts, analyzer)
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

    def shares(
        self, docnums: list[int], parts: list[tuple[str, wq.Query]]
    ) -> dict[int, list[TermShare]]:
        """One matcher per word, walked forward once."""
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

    # term statistics (did-you-mean, feedback)
    def has_field(self, field: str) -> bool:
        return field in self.schema

    def analyzer(self, field: str):
        return self.schema[field].analyzer

    def doc_frequency(self, field: str, term: str) -> int:
        return self.searcher.reader().doc_frequency(field, term)

    def doc_count(self, field: str) -> int:
        return field_doc_count(self.searcher, field)

    def terms_with_prefix(self, field: str, prefix: str) -> Iterator[str]:
        for term in self.searcher.reader().expand_prefix(field, prefix):
            yield term.decode() if isinstance(term, bytes) else term

    def terms_within(self, field: str, term: str, edits: int, prefix: int) -> list[str]:
        # The word list kept per segment, matched in C (Whoosh's own terms_within
        # walks every word in Python when the index has several segments).
        found = patterns.FuzzyTerm(field, term, maxdist=edits, prefixlength=prefix)._btexts(
            self.searcher.reader()
        )
        return [t.decode() if isinstance(t, bytes) else t for t in found]

    def texts_with(self, field: str, term: str, at_most: int) -> list[str]:
        try:
            postings = self.searcher.postings(field, term)
        except Exception:  # the term vanished between the corrector and now
            return []
        texts = []
        for i, docnum in enumerate(postings.all_ids()):
            if i >= at_most:
                break
            texts.append(
                self.searcher.stored_fields(docnum).get("text", "")
            )  # every language's copy
        return texts

    def top_paragraphs(self, q: wq.Query, at_most: int) -> list[tuple[float, str, str]]:
        results = self.searcher.search(q, limit=at_most)
        return [(float(r.score or 0.0), r.get("text", ""), r.get("lang", "")) for r in results]

    def function_stems(self, field: str = "text") -> set[str]:
        if field not in self._function_stems:
            from search.query.function_words import BY_FIELD

            words = BY_FIELD.get(field, ()) if field in self.schema else ()
            analyzer = self.analyzer(field) if words else None
            # One analyzer call for the whole list: its tokens are each word's (the
            # analyzers look at one word at a time; tests/unit/test_cold_start.py
            # checks), and a call per word cost the one-shot's did-you-mean a few ms.
            joined = " ".join(words)
            self._function_stems[field] = (
                {t.text for t in analyzer(joined, mode="query")} if words else set()
            )
        return self._function_stems[field]


def _words(texts: Iterable[str], analyzer) -> set[str]:
    """The index terms (analysed words) of `texts`."""
    return {t.text for text in texts if text for t in analyzer(text, mode="index")}


def _expand_within(leaf: wq.MultiTerm, words: set[str]) -> set[str] | None:
    """The words among `words` that a wildcard, prefix, regex or fuzzy leaf matches;
    None for a kind this does not know (the caller expands it over the index)."""
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
