"""How the Whoosh backend ranks a plan: every word first, then partial matches.

Paragraphs with every word come first; when there are fewer than the limit of
them, paragraphs with some of the words follow (search.query.parsing.relax keeps
every filter and NOT a constraint). A keyword query first tries its AND query,
which is cheaper and, when it fills the page, all there is to show; a sentence's
function words are left out of the relaxed part (search.query.function_words).
"""

from __future__ import annotations

from collections import Counter

from whoosh import query as wq

from search.backend import (
    ADAPTIVE,
    ALL_FIRST,
    ALL_ONLY,
    PLAIN,
    Ranked,
    RankOptions,
)
from search.collapsing import collapse
from search.query.parsing import relax
from search.query.plan import KEYWORDS, STRICT_WORDS
from search.results import NEWEST, SCORE
from search.whoosh.date_order import in_date_order
from search.whoosh.scoring import TIER, Coverage, EveryWordFirst

TYPE_CHECKING = False  # as typing's, without importing typing on the one-shot path
if TYPE_CHECKING:
    from typing import Any, Protocol

    from search.query.plan import QueryPlan

    class RankingBackend(Protocol):
        """What ranking asks of the Whoosh backend (search.whoosh.backend.WhooshBackend,
        which calls it; typed here so that the two do not import each other)."""

        searcher: Any

        def run(self, q: wq.Query, limit: int | None) -> Any: ...

        def stored(self, docnum: int) -> dict: ...

        def count_matching(self, key: tuple[str, str], matched: set[int]) -> int: ...

        def function_stems(self, field: str = "text") -> set[str]: ...

        def deadline(self) -> float | None: ...


# Neighbouring query words at most this many positions apart earn the proximity bonus.
PROXIMITY_SLOP = 8


def rank(backend: RankingBackend, plan: QueryPlan, o: RankOptions) -> Ranked:
    """The rows for `plan` under `o` (see Engine.search for what each option means)."""
    q = plan.query
    parts = plan.parts
    partial = o.partial
    if partial is None:
        partial = len(parts) > (KEYWORDS if o.strategy == ADAPTIVE else STRICT_WORDS)
    strict = o.strategy == ALL_ONLY or not partial
    # Collapsing walks the whole ranking, so it asks Whoosh for every match.
    # (and at least 5: Whoosh miscounts an OR over fields with limit 1 or 2; see run)
    # So do sorting by date and setting copies aside.
    # So does putting the paragraphs that say every word first (_said_order).
    tiered = o.sort == SCORE and o.strategy in (ALL_FIRST, ALL_ONLY) and bool(parts)
    walk = o.per_doc > 0 or o.sort != SCORE or o.dedupe or tiered
    depth = None if walk or o.limit is None else max(o.limit, 5)
    counts = plan.counts
    words = _Words(backend, o)
    run, results, lift = q, None, True
    keywords = len(parts) <= KEYWORDS and not o.expand and not o.proximity
    if not strict and o.strategy == ALL_FIRST and keywords:
        # Every-word matches come first: when a keyword query's matches fill the
        # page, the partial ones would never be shown, and the intersection is
        # the cheaper query (a sentence seldom has ten of them: no try there).
        results = backend.run(q, depth)
        strict = _fills(backend, results, o)
        if not strict:
            lift = not results.is_empty()  # none to lift: the plain union is faster
            results = None
    if not strict:
        run = relax(q, lambda free: _combine(free, counts, o, words, lift=lift)) or q
    loose = run is not q
    if o.proximity > 0 and loose:
        run = _with_proximity(run, parts, o.proximity, words)
    expanded_with: list[str] = []
    if o.expand:
        run, expanded_with = _expand(backend, run, parts)
    if results is None:
        results = backend.run(run, depth)
    if strict and results.is_empty():
        # The core issue's fallback: OR only when AND finds nothing.
        relaxed = relax(q, lambda free: wq.Or(counted(words.content(free), counts)))
        if relaxed is not None:
            run, loose, tiered = relaxed, True, False  # none has every word
            results = backend.run(run, depth)
    copies: dict[int, list[int]] = {}
    if walk:
        order = None
        if o.sort != SCORE:
            order = in_date_order(backend.searcher, results.top_n, newest=o.sort == NEWEST)
        elif tiered:
            order = _said_order(backend, results.top_n, parts, every_word=strict)
        kept = copies if o.dedupe else None
        rows = collapse(
            backend, results.top_n, len(results), o.limit, o.per_doc, o.count_more, order, kept
        )
    else:
        top = results.top_n if o.limit is None else results.top_n[: o.limit]
        rows = [(d, s, backend.stored(d), 0) for s, d in top]
    checked = getattr(order, "where", {}) if walk else {}
    return Ranked(
        run, q, parts, rows, len(results), plan.notices, expanded_with, loose, copies, checked
    )


def _said_order(backend: RankingBackend, top_n, parts, every_word: bool):
    """The ranking with the paragraphs that say every word of `parts` themselves ahead
    of those that borrow one from their title or heading, then partial matches
    (search.whoosh.said). every_word: every row has all the words (an AND query);
    else those that do are the ones lifted by a tier (EveryWordFirst)."""
    from search.whoosh.said import SaidOrder

    def complete(score: float) -> bool:
        return every_word or score >= TIER

    return SaidOrder(backend.searcher, parts, top_n, complete, backend.deadline())


def unranked(backend: RankingBackend, plan: QueryPlan, o: RankOptions, walk):
    """What `walk(query) -> (found, total, cut)` finds for the plan as written, or for
    its OR when no paragraph has every word: (found, total, cut, whether it fell back)."""
    q = plan.query
    found, total, cut = walk(q)
    fell_back = False
    if not total and not cut:
        words = _Words(backend, o)
        relaxed = relax(q, lambda free: wq.Or(counted(words.content(free), plan.counts)))
        if relaxed is not None:
            found, total, cut = walk(relaxed)
            fell_back = bool(total)
    return found, total, cut, fell_back


def _fills(backend: RankingBackend, results, o: RankOptions) -> bool:
    """Whether `results` alone fill a page of `o.limit` rows (`o.per_doc` to a
    document, copies set aside when `o.dedupe`)."""
    if o.limit is None:
        return False
    if o.per_doc > 0 or o.dedupe:
        kept = {} if o.dedupe else None
        rows = collapse(
            backend, results.top_n, len(results), o.limit, o.per_doc, False, copies=kept
        )
        return len(rows) >= o.limit
    return len(results) >= o.limit


class _Words:
    """Which free words a relaxed query searches for (a sentence's function words
    only when it has nothing else), by the backend's function stems."""

    def __init__(self, backend: RankingBackend, o: RankOptions):
        self.backend, self.drop = backend, o.drop_function_words

    def searched(self, free: list[wq.Query]) -> list[bool]:
        from search.query.function_words import searched

        return searched(free, self.backend.function_stems, drop=self.drop)

    def content(self, free: list[wq.Query]) -> list[wq.Query]:
        return [part for part, kept in zip(free, self.searched(free), strict=True) if kept]

    def is_function_word(self, part: wq.Query) -> bool:
        from search.query.function_words import is_function_word

        return is_function_word(part, self.backend.function_stems("text"))


def _combine(
    free: list[wq.Query],
    counts: Counter[str] | None,
    o: RankOptions,
    words: _Words,
    *,
    lift: bool = True,
) -> wq.Query:
    """The free words as one query that also matches paragraphs with some of them.

    lift: rank the paragraphs with every word first (ALL_FIRST); False when it is
    known that none has them all.
    """
    free = words.content(free)
    free = counted(free, counts) if counts else free
    many = len(free) > KEYWORDS
    if o.strategy == ALL_FIRST and lift and len(free) > 1:
        return EveryWordFirst(free)  # faster than Coverage's tree when it counts
    if o.strategy in (PLAIN, ALL_FIRST) or (o.strategy == ADAPTIVE and many):
        # BM25 alone. For many words Whoosh's array union (postings preloaded and
        # summed per document) is several times faster than its tree of union
        # matchers, which it only picks for indexes under 5000 paragraphs; for a
        # few words on a large index the tree is faster.
        union = wq.Or(free)
        if many:
            union.matcher_type = wq.Or.ARRAY_MATCHER
        return union
    return Coverage(free, strategy=o.strategy)


def counted(free: list[wq.Query], counts: Counter[str]) -> list[wq.Query]:
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


def _with_proximity(
    run: wq.Query, parts: list[tuple[str, wq.Query]], weight: float, words: _Words
) -> wq.Query:
    """Reward paragraphs where neighbouring query words stand close together.

    Each pair of words next to each other in the query becomes an optional
    phrase with slop PROXIMITY_SLOP (the "ordered window" of Metzler and Croft's
    sequential dependence model); it only re-ranks what `run` matches.
    """
    stems = []
    for _, part in parts:
        if words.is_function_word(part):
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
        wq.Phrase("text", [a, b], slop=PROXIMITY_SLOP, boost=weight)
        for a, b in zip(stems, stems[1:], strict=False)
        if a != b
    ]
    return wq.AndMaybe(run, wq.Or(pairs)) if pairs else run


# Weight of the added words relative to the query's own (RM3's 1 - original weight).
EXPANSION_WEIGHT = 0.5


def _expand(
    backend: RankingBackend, q: wq.Query, parts: list[tuple[str, wq.Query]]
) -> tuple[wq.Query, list[str]]:
    """`q` with feedback words (search.feedback) added as optional, score-only words
    (Whoosh's AndMaybe: a filter or a NOT keeps its meaning); and those words."""
    from search.feedback import feedback_terms
    from search.spelling import surface_form

    exclude = {
        str(leaf.text) for _, part in parts for leaf in part.leaves() if hasattr(leaf, "text")
    }
    terms = feedback_terms(backend, q, exclude)
    if not terms:
        return q, []
    top = terms[0][2]
    extra = wq.Or([wq.Term(f, w, boost=EXPANSION_WEIGHT * wt / top) for f, w, wt in terms])
    shown = [surface_form(backend, w, field=f) or w for f, w, _ in terms]
    return wq.AndMaybe(q, extra), shown
