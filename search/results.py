"""What a search answers: ranked paragraphs (`Hit`) and the result around them.

Plain data, the same whichever backend ranked them: the command, the terminal app
and the JSON output read these, and nothing here knows Whoosh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

ALL_WORDS = "all"
ANY_WORD = "any"  # no paragraph has every word: the hits have some of them
# The orders a result can be in (`--sort`): by score, or by the document's date.
SCORE, NEWEST, OLDEST = "score", "newest", "oldest"
SORTS = (SCORE, NEWEST, OLDEST)

Span = tuple[int, int]  # [start, end) character offsets of a matched word or phrase


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
