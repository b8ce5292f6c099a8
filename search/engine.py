"""Run a query against the index: rank, fall back, highlight. The library core.

`Engine` keeps one Whoosh searcher open (the TUI reuses it across keystrokes and
refreshes it when the index changes); the one-shot CLI makes one Engine, asks
once, and exits. Every direct use of Whoosh's searcher API is in this module.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from whoosh import query as wq

from index.schema import SEARCH_FIELDS
from index.storage import open_index
from search.highlight import Span, match_spans
from search.languages import text_field
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
    lang: str = ""  # the document's language; its analyzer finds the highlight spans


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    total: int  # paragraphs that match, not only those shown
    elapsed_ms: float
    mode: str = ALL_WORDS  # ANY_WORD when the AND query found nothing and OR did
    notices: list[str] = field(default_factory=list)


class Engine:
    """An open index plus one reusable searcher."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self.ix = open_index(self.index_dir)
        self.schema = self.ix.schema
        self.analyzer = self.schema["text"].analyzer
        self._searcher = None

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
        return SearchResult(
            query=text,
            hits=hits,
            total=len(results),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            mode=mode,
            notices=notices,
        )

    def _run(self, q: wq.Query, limit: int | None):
        # optimize=False makes the collector count every match, so `total` is exact.
        return self.searcher.search(q, limit=limit, optimize=False)

    def highlight_terms(self, q: wq.Query) -> tuple[set[str], list[tuple[list[str], int]]]:
        """Index terms to light up (wildcards and fuzzy terms expanded) and phrases."""
        pos = positive(q)
        if pos is None:
            return set(), []
        reader = self.searcher.reader()
        terms: set[str] = set()
        for leaf in pos.leaves():
            if isinstance(leaf, wq.Phrase) or leaf.field() not in SEARCH_FIELDS:
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
        terms, phrase_list = self.highlight_terms(q)
        hits = []
        for rank, r in enumerate(results, 1):
            f = r.fields()
            text = f.get("text", "")
            title = f.get("title", "")
            lang = f.get("lang", "")
            analyzer = self.schema[text_field(lang)].analyzer
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
                    highlights=match_spans(text, analyzer, terms, phrase_list),
                    title_highlights=match_spans(title, analyzer, terms, phrase_list),
                    date=f.get("date"),
                    source=f.get("source", ""),
                    page=f.get("page"),
                    file_key=f.get("file_key", ""),
                    root=f.get("root", ""),
                    lang=lang,
                )
            )
        return hits
