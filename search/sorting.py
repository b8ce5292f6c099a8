"""Results in date order (`--sort newest|oldest`), for following a story over time.

Ranking by relevance stays the default. Sorted, every paragraph that matches is
ordered by its document's date (undated ones last, and among one date by score),
then collapsed to `per_doc` paragraphs a document and cut to the limit, as ranked
results are. The date is a stored field, so this reads every match's stored fields:
fine for the thousands of paragraphs a query matches, within the time limit.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

SCORE, NEWEST, OLDEST = "score", "newest", "oldest"
SORTS = (SCORE, NEWEST, OLDEST)

Row = tuple[int, float, dict, int]  # (docnum, score, stored fields, more in document)


def by_date(rows: list[Row], newest: bool, limit: int | None, per_doc: int) -> list[Row]:
    """`rows` (every match, best first) in date order, `per_doc` to a document
    (0: all), at most `limit`; each kept row says how many of its document's matches
    were left out."""
    dated = [r for r in rows if isinstance(r[2].get("date"), datetime)]
    undated = [r for r in rows if not isinstance(r[2].get("date"), datetime)]
    # Python's sort is stable: among one date, the better score stays first.
    dated.sort(key=lambda r: r[2]["date"], reverse=newest)
    ordered = dated + undated
    matches = Counter(_doc(fields) for _, _, fields, _ in ordered)
    shown: Counter = Counter()
    kept: list[tuple[int, float, dict]] = []
    for docnum, score, fields, _ in ordered:
        if limit is not None and len(kept) >= limit:
            break
        if per_doc and shown[_doc(fields)] >= per_doc:
            continue
        shown[_doc(fields)] += 1
        kept.append((docnum, score, fields))
    return [(d, s, f, matches[_doc(f)] - shown[_doc(f)]) for d, s, f in kept]


def _doc(fields: dict) -> tuple[str, str]:
    return fields.get("file_key", ""), fields.get("doc_id", "")
