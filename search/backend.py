"""The seam between the engine and a search backend: what a backend must answer.

`search.engine.Engine` reads the query once (search.query.plan), asks the backend
for a ranking, and dresses the rows as hits; everything that needs the index goes
through `Backend`: the ranking of a plan, counts, stored paragraphs, a document's
paragraphs, highlight terms, score shares, and `TermStatistics`, the narrow part
that did-you-mean (search.spelling) and relevance feedback (search.feedback) read.
Whoosh's backend is search.whoosh.backend; another (OpenSearch) implements the same
and is named in BACKENDS. Nothing here imports a backend.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from search.results import SCORE, TermShare

TYPE_CHECKING = False  # as typing's, without importing typing on the one-shot path
if TYPE_CHECKING:
    from typing import Any

    from search.query.plan import QueryPlan

# How the paragraphs with only some of the words are ranked (bench/relevance.py
# compares them; the product uses ALL_FIRST).
ALL_FIRST = "all-first"  # every-word matches first, then the rest by BM25 (the default)
TIERED = "tiered"  # more of the words first, then BM25 within each count
COORD = "coord"  # BM25 times the share of words matched (Lucene's old coord factor)
PLAIN = "plain"  # BM25 alone
# The previous default, kept for the harness: queries of up to KEYWORDS words keep
# to every-word matches (TIERED when filled), longer ones are ranked PLAIN.
ADAPTIVE = "adaptive"
STRATEGIES = (ALL_FIRST, ADAPTIVE, TIERED, COORD, PLAIN)
ALL_ONLY = "all-only"  # the old behaviour: OR only when nothing has every word (the harness)

Row = tuple[int, float, dict, int]  # (docnum, score, stored fields, more in its document)


class RankOptions:
    """How to rank one plan: what Engine.search and Engine.rank were asked (see
    Engine.search). A plain class, not a dataclass: each dataclass costs the one-shot
    command about a millisecond to define."""

    __slots__ = (
        "limit", "per_doc", "expand", "count_more", "partial", "sort", "dedupe",
        "strategy", "proximity", "drop_function_words",
    )  # fmt: skip

    def __init__(
        self,
        limit: int | None = 10,
        per_doc: int = 0,
        expand: bool = False,
        count_more: bool = True,
        partial: bool | None = None,
        sort: str = SCORE,
        dedupe: bool = False,
        strategy: str = ALL_FIRST,
        proximity: float = 0.0,  # weight of the word-pair proximity bonus (0: off)
        drop_function_words: bool = True,  # in sentence-long queries
    ):
        self.limit, self.per_doc, self.expand, self.count_more = limit, per_doc, expand, count_more
        self.partial, self.sort, self.dedupe, self.strategy = partial, sort, dedupe, strategy
        self.proximity, self.drop_function_words = proximity, drop_function_words


@dataclass
class Ranked:
    """A backend's ranking before hits are dressed up: what the relevance harness reads."""

    query: Any  # what ran
    base: Any  # the query as parsed (for highlighting and explain)
    parts: list[tuple[str, Any]]  # (word as typed, its query) of the free words
    rows: list[Row]
    total: int
    notices: list[str]
    expanded_with: list[str] = field(default_factory=list)
    relaxed: bool = False  # partial matches allowed: hits may miss some words
    copies: dict[int, list[int]] = field(default_factory=dict)  # shown -> hidden same text
    # where each word matched, for the paragraphs the ranking already checked
    matched_in: dict[int, dict[str, list[str]]] = field(default_factory=dict)


class Limit:
    """One search's deadline and what it cut: the time limit, and patterns capped
    (a plain class, as RankOptions)."""

    __slots__ = ("seconds", "deadline", "cut", "capped", "cap")

    def __init__(self, seconds: float | None, deadline: float | None):
        self.seconds, self.deadline = seconds, deadline
        self.cut = False  # a pattern's expansion stopped at the deadline
        self.capped: dict[str, int] = {}  # pattern -> words it matched
        self.cap = 0  # the most words a pattern is searched for (when capped)

    @property
    def partial(self) -> bool:
        return self.cut or bool(self.capped)


class TermStatistics(ABC):
    """What spelling and feedback may ask of an index: its words and their counts."""

    @abstractmethod
    def has_field(self, field: str) -> bool: ...

    @abstractmethod
    def analyzer(self, field: str):
        """The analyzer of `field` (a callable over text, yielding tokens with `.text`)."""

    @abstractmethod
    def doc_frequency(self, field: str, term: str) -> int: ...

    @abstractmethod
    def doc_count(self, field: str) -> int:
        """Paragraphs that have `field` (BM25's N: a language's paragraphs only)."""

    @abstractmethod
    def terms_with_prefix(self, field: str, prefix: str) -> Iterator[str]:
        """The terms of `field` that start with `prefix`, in order."""

    @abstractmethod
    def terms_within(self, field: str, term: str, edits: int, prefix: int) -> list[str]:
        """The terms of `field` within `edits` (Damerau-Levenshtein) of `term`, their
        first `prefix` letters the same."""

    @abstractmethod
    def texts_with(self, field: str, term: str, at_most: int) -> list[str]:
        """The stored text of the first `at_most` paragraphs that hold `term`."""

    @abstractmethod
    def top_paragraphs(self, query: Any, at_most: int) -> list[tuple[float, str, str]]:
        """(score, text, language) of the best paragraphs for `query`."""

    @abstractmethod
    def past_deadline(self) -> bool:
        """Whether the time limit the current call runs under has passed."""

    @abstractmethod
    def function_stems(self, field: str = "text") -> set[str]:
        """The stems of `field`'s language's function words (search.query.function_words)."""


class Backend(TermStatistics):
    """An open index that ranks plans. One per Engine; not shared between threads."""

    timed_out: bool = False  # the time limit stopped a search since the last reset

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def refresh(self) -> bool:
        """Pick up new commits; True when the index changed since the last look."""

    @abstractmethod
    def paragraph_count(self) -> int: ...

    @abstractmethod
    def plan(self, text: str) -> QueryPlan:
        """Read `text` once (raises search.query.parsing.EmptyQuery when vacuous)."""

    @abstractmethod
    def limited(
        self, seconds: float | None, reset: bool = True, until: float | None = None
    ) -> AbstractContextManager[Limit]:
        """One deadline for everything run inside (nested calls share the outer one):
        `seconds` from now, or `until` (perf_counter) when given; `reset` starts
        `timed_out` afresh."""

    @abstractmethod
    def rank(self, plan: QueryPlan, options: RankOptions) -> Ranked: ...

    @abstractmethod
    def count_matches(self, plan: QueryPlan, options: RankOptions) -> tuple[int, bool]:
        """`-c`: (paragraphs with every word, or with any when none has all; whether
        it fell back to any), unranked, within the time limit."""

    @abstractmethod
    def matching_paths(self, plan: QueryPlan, options: RankOptions) -> tuple[list[str], bool]:
        """`-l`: (paths of the documents with a paragraph that has every word, any
        when none has all, in index order; whether it fell back), within the limit."""

    @abstractmethod
    def slow_hint(self, query: Any) -> str:
        """What in `query` made a search slow, for the notice of one stopped at its
        time limit ('slow: NOT oil (most paragraphs)')."""

    @abstractmethod
    def matched_in(
        self, docnums: list[int], parts: list[tuple[str, Any]]
    ) -> dict[int, dict[str, list[str]]]:
        """Per paragraph, per free word (as typed), the sections it matched in
        ("text", "title", "heading")."""

    @abstractmethod
    def count(self, plan: QueryPlan, any_word: bool = False) -> int:
        """Paragraphs matching the plan as written (every word), or with any of its
        free words (filters and NOT still apply)."""

    @abstractmethod
    def stored(self, docnum: int) -> dict: ...

    @abstractmethod
    def count_matching(self, key: tuple[str, str], matched: set[int]) -> int:
        """How many paragraphs of one document (file_key, doc_id) are in `matched`."""

    @abstractmethod
    def document(self, file_key: str, doc_id: str) -> list[dict]:
        """The stored fields of one document's paragraphs, in order."""

    @abstractmethod
    def paragraphs(self, file_key: str, doc_id: str, numbers: set[int]) -> dict[int, dict]:
        """The stored fields of one document's paragraphs numbered `numbers`, by number."""

    @abstractmethod
    def highlight_terms(
        self, query: Any, texts: Iterable[str] | None = None
    ) -> tuple[set[str], list[tuple[list[str], int]]]:
        """Index terms to light up (patterns expanded, within `texts` when given) and
        the phrases (words, slop)."""

    @abstractmethod
    def shares(
        self, docnums: list[int], parts: list[tuple[str, Any]]
    ) -> dict[int, list[TermShare]]:
        """Each free word's score on each paragraph (0 and unmatched when absent)."""

    def plain_score(self, score: float | None) -> float:
        """A row's score as a person reads it (a backend may rank in tiers above it)."""
        return float(score or 0.0)

    @abstractmethod
    def written_analyzer(self):
        """The analyzer of the written forms (terms marked WRITTEN), or None."""

    @abstractmethod
    def text_analyzer(self, lang: str):
        """The analyzer that reads a paragraph in language `lang` (for highlighting)."""


DEFAULT_BACKEND = "whoosh"
# name -> (module, class); imported when chosen, so the engine names no backend.
BACKENDS = {"whoosh": ("search.whoosh.backend", "WhooshBackend")}


def open_backend(index_dir: Path, kind: str | None = None, **options) -> Backend:
    """The backend `kind` (DEFAULT_BACKEND when None) opened on `index_dir`."""
    module, name = BACKENDS[kind or DEFAULT_BACKEND]
    return getattr(importlib.import_module(module), name)(Path(index_dir), **options)
