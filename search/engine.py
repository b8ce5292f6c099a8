"""Run a query: read it once, ask the backend to rank it, dress the rows as hits.

The library core, the same whichever backend answers (search.backend): the plan
is read once (search.query.plan), the backend ranks it, and the steps here turn
its rows into hits (highlights, what a partial match misses, `--explain`,
context, copies) and say what happened (notices, did-you-mean). `Engine` opens
the default backend on an index folder; the one-shot command makes one, asks
once and exits, the TUI keeps one across keystrokes.
"""

from __future__ import annotations

import time
from pathlib import Path

from search.backend import (
    ALL_FIRST,
    ALL_ONLY,
    Backend,
    Limit,
    Ranked,
    RankOptions,
    open_backend,
)
from search.highlight import match_spans
from search.query.parsing import EmptyQuery, relax
from search.query.plan import KEYWORDS, QueryPlan
from search.results import ALL_WORDS, ANY_WORD, SCORE, Hit, SearchResult, TermShare

__all__ = [
    "ALL_ONLY",
    "ALL_WORDS",
    "ANY_WORD",
    "Engine",
    "Hit",
    "Ranked",
    "SearchResult",
    "TermShare",
]

# Paragraphs shown per document before "+N more in this document" (the CLI default;
# Engine.search keeps 0 = no limit unless asked, for library callers).
PER_DOC = 3
# A query that finds fewer paragraphs than this gets a did-you-mean check.
FEW_HITS = 3
# No single query may hold the CLI or the TUI longer than this (seconds).
TIME_LIMIT_SECONDS = 1.0


class Engine:
    """An open index (a backend) and how to search it."""

    def __init__(
        self,
        index_dir: Path,
        *,
        strategy: str = ALL_FIRST,
        weighting=None,
        backend: Backend | str | None = None,
    ):
        self.index_dir = Path(index_dir)
        if backend is None or isinstance(backend, str):
            options = {} if weighting is None else {"weighting": weighting}
            backend = open_backend(self.index_dir, backend, **options)
        self.backend = backend
        self.strategy = strategy
        self.drop_function_words = True  # sentence-long queries: search.query.function_words
        self.proximity = 0.0  # weight of the word-pair proximity bonus (0: off)
        self.time_limit: float | None = TIME_LIMIT_SECONDS
        # document()'s words to light up for the last (query, mode) it was asked
        self._kept_document_terms: tuple | None = None

    # lifecycle
    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._kept_document_terms = None
        self.backend.close()

    def refresh(self) -> bool:
        """Pick up new commits; True when the index changed since the last look."""
        changed = self.backend.refresh()
        if changed:  # a pattern may expand to other words now
            self._kept_document_terms = None
        return changed

    def paragraph_count(self) -> int:
        return self.backend.paragraph_count()

    # querying
    def plan(self, text: str) -> QueryPlan:
        """`text` read once. Raises search.query.parsing.EmptyQuery on a vacuous query."""
        return self.backend.plan(text)

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
        """Rank paragraphs for `text`. Raises search.query.parsing.EmptyQuery on a
        vacuous query.

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
        has them all) by their document's date instead of by score (search.whoosh.date_order).
        dedupe: show a paragraph whose text one ranked above it has only as that
        one's copy (`Hit.copies`), as the CLI and the TUI do; off, every paragraph.
        """
        started = time.perf_counter()
        with self.backend.limited(self.time_limit) as spent:
            if sort != SCORE:
                partial = False  # in date order a partial match could outrank a full one
            plan = self.plan(text)
            ranked = self._rank(
                plan,
                limit,
                per_doc=per_doc,
                expand=expand,
                partial=partial,
                sort=sort,
                dedupe=dedupe,
            )
            hits, context_cut = self._hits(ranked, explain, context)
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
        notices += self._limit_notices(spent, context_cut, "search", ranked.base)
        if sort != SCORE and hits and not any(h.date for h in hits):
            notices.append("none of these paragraphs has a date; they are in order of score")
        suggestion = None
        # Respell when little has every word; for prose, only when little matches at all.
        few = ranked.total < FEW_HITS or (complete < FEW_HITS and len(ranked.parts) <= KEYWORDS)
        if suggest and few and (limit is None or complete < limit):
            # Within what is left of this search's time limit.
            end = started + self.time_limit if self.time_limit else None
            suggestion = self.did_you_mean(plan, deadline=end)
        return SearchResult(
            query=text,
            hits=hits,
            total=ranked.total,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            mode=mode,
            notices=notices,
            suggestion=suggestion,
            expanded_with=ranked.expanded_with,
            partial=self.backend.timed_out or context_cut or spent.partial,
        )

    def every_match(self, text: str) -> tuple[Ranked, list[str], bool]:
        """Every paragraph with all the words (any, when none has all), unhighlighted,
        within the time limit: what `-c` and `-l` report. Returns the ranking, its
        notices and whether it is partial (stopped at the limit, or a pattern capped)."""
        with self.backend.limited(self.time_limit) as spent:
            ranked = self._rank(self.plan(text), None, partial=False)
        notices = list(ranked.notices) + self._limit_notices(spent, False, "search", ranked.base)
        if ranked.relaxed and ranked.total:  # as `search` says it, or a count misleads
            notices.append("no paragraph has all the words; these are the ones with some of them")
        return ranked, notices, self.backend.timed_out or spent.partial

    def count_matches(self, text: str) -> tuple[int, list[str], bool]:
        """`-c`: (paragraphs with every word, any when none has all; its notices;
        whether it is partial), counted unranked within the time limit."""
        with self.backend.limited(self.time_limit) as spent:
            plan = self.plan(text)
            total, fell_back = self.backend.count_matches(plan, self._options(None))
        return total, self._unranked_notices(plan, spent, fell_back, "count"), self._partial(spent)

    def matching_paths(self, text: str) -> tuple[list[str], list[str], bool]:
        """`-l`: (paths of the documents with a paragraph that has every word, in
        index order; notices; whether the list is partial), within the time limit."""
        with self.backend.limited(self.time_limit) as spent:
            plan = self.plan(text)
            paths, fell_back = self.backend.matching_paths(plan, self._options(None))
        return paths, self._unranked_notices(plan, spent, fell_back, "list"), self._partial(spent)

    def _unranked_notices(self, plan: QueryPlan, spent: Limit, fell_back: bool, what: str):
        notices = list(plan.notices)
        if fell_back:
            notices.append("no paragraph has all the words; these are the ones with some of them")
        return notices + self._limit_notices(spent, False, what, plan.query)

    def _partial(self, spent: Limit) -> bool:
        return self.backend.timed_out or spent.partial

    def rank(self, text: str, limit: int | None = 10, **options) -> Ranked:
        """Read and rank, without highlighting (what the relevance harness reads);
        options as for `search` (per_doc, expand, partial, sort, dedupe, count_more).

        dedupe: show a paragraph whose text is the same as one ranked above it only as
        that one's copy (`Ranked.copies`); the `search` command and the TUI do, the
        harness does not (it ranks documents, and a copy is its own document there).
        """
        with self.backend.limited(self.time_limit):
            return self._rank(self.plan(text), limit, **options)

    def _rank(self, plan: QueryPlan, limit: int | None, **options) -> Ranked:
        return self.backend.rank(plan, self._options(limit, **options))

    def _options(self, limit: int | None, **options) -> RankOptions:
        return RankOptions(
            limit=limit,
            strategy=self.strategy,
            proximity=self.proximity,
            drop_function_words=self.drop_function_words,
            **options,
        )

    def _limit_notices(
        self, spent: Limit, context_cut: bool = False, what: str = "search", query=None
    ) -> list[str]:
        """What the time limit and the cap on pattern words cut from a search (or a
        `count` or a file `list`), naming what in `query` made it slow."""
        notices = []
        if self.backend.timed_out:
            hint = self.backend.slow_hint(query) if query is not None else ""
            subject, done, exact = {
                "search": ("search", "these results are partial", "lifts the limit"),
                "count": ("count", "the figure is partial", "gives the exact figure"),
                "list": ("file list", "the list is partial", "gives the whole list"),
            }[what]
            notices.append(
                f"the {subject} took over {self.time_limit:g} s and was stopped; {done} "
                f"({hint}; --time-limit 0 {exact})"
            )
        elif context_cut:
            notices.append(
                f"the search took over {self.time_limit:g} s and was stopped before every "
                "hit had the paragraphs around it (try fewer hits or less context)"
            )
        for pattern, count in spent.capped.items():
            notices.append(
                f"{pattern} matches {count:,} words; searched the "
                f"{spent.cap:,} most common (results are partial)"
            )
        return notices

    # dressing the rows as hits
    def _hits(self, ranked: Ranked, explain: bool, context: int = 0) -> tuple[list[Hit], bool]:
        """The rows as hits; and whether the time limit left some without context."""
        texts = [
            t for row in ranked.rows for t in (row[2].get("text", ""), row[2].get("title", ""))
        ]
        terms, phrase_list = self.backend.highlight_terms(ranked.base, texts)
        # The words' shares name what a partial match misses and fill --explain; a
        # wildcard's share means scoring every word it expands to again: only on demand.
        docnums = [row[0] for row in ranked.rows]
        parts = ranked.parts
        if ranked.relaxed:  # a sentence's function words were not searched for
            from search.query.function_words import searched

            kept = searched(
                [part for _, part in parts],
                self.backend.function_stems,
                drop=self.drop_function_words,
            )
            parts = [p for p, keep in zip(parts, kept, strict=True) if keep]
        if ranked.relaxed or explain:
            all_shares = self.backend.shares(docnums, parts)
        else:
            all_shares = {d: [] for d in docnums}
        where = dict(ranked.matched_in) if parts == ranked.parts else {}
        where.update(self.backend.matched_in([d for d in docnums if d not in where], parts))
        hits = []
        for rank, (docnum, score, f, more) in enumerate(ranked.rows, 1):
            hit = self._hit(rank, self.backend.plain_score(score), f, terms, phrase_list)
            shares = all_shares[docnum]
            hit.missing = [s.word for s in shares if not s.matched] if ranked.relaxed else []
            hit.more_in_doc = more
            hit.explain = shares if explain else []
            hit.matched_in = where[docnum]
            hit.docnum = docnum
            hit.copies = [self._location(d) for d in ranked.copies.get(docnum, [])]
            hits.append(hit)
        cut = self._add_context(hits, context, terms, phrase_list) if context > 0 else False
        return hits, cut

    def _location(self, docnum: int) -> dict:
        """Where a paragraph is: what `--json` lists for each copy of a hit."""
        f = self.backend.stored(docnum)
        return {
            "path": f.get("path", ""),
            "doc_id": f.get("doc_id", ""),
            "paragraph": int(f.get("paragraph", 0)),
        }

    def _add_context(self, hits: list[Hit], n: int, terms, phrase_list) -> bool:
        """Give each hit the `n` paragraphs before and after it in its document (fewer
        at its ends), one lookup per document, within the search's time limit: past
        it, the later hits go without (True: the result says it is partial)."""
        by_doc: dict[tuple[str, str], list[Hit]] = {}
        for hit in hits:
            by_doc.setdefault((hit.file_key, hit.doc_id), []).append(hit)
        for (file_key, doc_id), group in by_doc.items():
            if self.backend.past_deadline():
                return True
            near = {h.paragraph: range(max(1, h.paragraph - n), h.paragraph + n + 1) for h in group}
            wanted = {k for p, ks in near.items() for k in ks if k != p}
            found = {
                number: self._hit(0, 0.0, fields, terms, phrase_list)
                for number, fields in self.backend.paragraphs(file_key, doc_id, wanted).items()
            }
            for hit in group:
                ks = near[hit.paragraph]
                hit.before = [found[k] for k in ks if k < hit.paragraph and k in found]
                hit.after = [found[k] for k in ks if k > hit.paragraph and k in found]
        return False

    def _hit(self, rank: int, score: float, f: dict, terms, phrase_list) -> Hit:
        text = f.get("text", "")
        title = f.get("title", "")
        lang = f.get("lang", "")
        analyzer = self.backend.text_analyzer(lang)  # the document language's own
        written = self.backend.written_analyzer()
        return Hit(
            rank=rank,
            score=score,
            doc_id=f.get("doc_id", ""),
            path=f.get("path", ""),
            title=title,
            heading=f.get("heading", ""),
            paragraph=int(f.get("paragraph", 0)),
            text=text,
            highlights=match_spans(text, analyzer, terms, phrase_list, written),
            title_highlights=match_spans(title, analyzer, terms, phrase_list, written),
            date=f.get("date"),
            source=f.get("source", ""),
            page=f.get("page"),
            file_key=f.get("file_key", ""),
            root=f.get("root", ""),
            lang=lang,
        )

    def term_shares(self, docnum: int, parts: list) -> list[TermShare]:
        """Each free word's score on one paragraph (0 and unmatched when absent)."""
        return self.backend.shares([docnum], parts)[docnum]

    # reading (the TUI's document view)
    def document(
        self, file_key: str, doc_id: str, query: str = "", mode: str = ALL_WORDS
    ) -> list[Hit]:
        """Every paragraph of one document, in order, with `query`'s words highlighted
        as a search in `mode` would highlight them (rank = position in the document)."""
        terms, phrase_list = self._document_terms(query, mode)
        found = self.backend.document(file_key, doc_id)
        return [self._hit(i, 0.0, f, terms, phrase_list) for i, f in enumerate(found, 1)]

    def _document_terms(self, query: str, mode: str) -> tuple[set[str], list]:
        """document()'s words and phrases to light up for `query`, kept for the last
        query asked until the index changes (refresh): the TUI previews hit after hit
        of one query, and a wildcard's or fuzzy word's expansion over the index is
        worth doing once."""
        key = (query, mode)
        kept = self._kept_document_terms
        if kept is not None and kept[0] == key:
            return kept[1]
        terms: set[str] = set()
        phrase_list: list[tuple[list[str], int]] = []
        if query.strip():
            try:
                q = self.plan(query).query
            except EmptyQuery:
                q = None
            if q is not None and mode == ANY_WORD:
                q = relax(q) or q
            if q is not None:
                terms, phrase_list = self.backend.highlight_terms(q)
        self._kept_document_terms = (key, (terms, phrase_list))
        return terms, phrase_list

    # did-you-mean
    def suggest(self, text: str) -> str | None:
        """The TUI's did-you-mean: the same respelling the one-shot command offers."""
        try:
            return self.did_you_mean(text)
        except EmptyQuery:
            return None

    def did_you_mean(self, query: str | QueryPlan, deadline: float | None = None) -> str | None:
        """A respelling of the query from words in the index that finds more, or None.

        "More" is more paragraphs with every word (a typo'd word is what keeps them
        out); when both spellings tie there (often at none), more paragraphs with any
        of the words: `moscw ceasefire` finds the ceasefire paragraphs only, `moscow
        ceasefire` the Moscow ones too. The engine compares the counts, as Whoosh's
        own correct_query does; search.spelling only respells. `deadline`
        (perf_counter): give up then (a search passes what is left of its time
        limit); without one, a time limit of its own.
        """
        from search.spelling import respelled

        try:
            plan = self.plan(query) if isinstance(query, str) else query
        except EmptyQuery:  # nothing to respell: no count of it can grow
            return None
        if deadline is not None and time.perf_counter() >= deadline:
            return None
        # The respelling looks up words like a fuzzy term does.
        with self.backend.limited(self.time_limit, reset=False, until=deadline):
            changed = respelled(self.backend, plan.text, plan.respellable)
            if changed is None:
                return None
            try:
                other = self.plan(changed)
                before, after = self.backend.count(plan), self.backend.count(other)
                if after == before:
                    before = self.backend.count(plan, any_word=True)
                    after = self.backend.count(other, any_word=True)
            except EmptyQuery:
                return None
        return changed if after > before else None

    def count_all_words(self, text: str) -> int:
        """Paragraphs that match `text` as written (every word), without the fallback."""
        with self.backend.limited(self.time_limit, reset=False):
            return self.backend.count(self.plan(text))

    def count_any_words(self, text: str) -> int:
        """Paragraphs with any of `text`'s free words (filters and NOT still apply)."""
        with self.backend.limited(self.time_limit, reset=False):
            return self.backend.count(self.plan(text), any_word=True)
