"""Collapsing a ranking: at most N paragraphs of a document, copies set aside.

Backend-neutral: it reads each match's stored fields through the backend and asks
it how many of a document's paragraphs matched ("+N more in this document").
"""

from __future__ import annotations

from collections.abc import Iterable

TYPE_CHECKING = False  # as typing's, without importing typing on the one-shot path
if TYPE_CHECKING:
    from search.backend import Backend, Row

# How many matches past a full page are still checked for copies of its paragraphs.
# Copies score about alike: on BBC + Reuters, ten queries' 61 copies (with no bound)
# ranked at most 22 places past the page.
COPIES_LOOKAHEAD = 100

Match = tuple[float, int]  # (score, docnum), best first


def collapse(
    backend: Backend,
    matches: list[Match],
    total: int,
    limit: int | None,
    per_doc: int,
    count_more: bool,
    order: Iterable[Match] | None = None,
    copies: dict[int, list[int]] | None = None,
) -> list[Row]:
    """The ranking `matches` (every match; or `order`, the same matches in another
    order) with at most `per_doc` paragraphs of each document (0: all), each shown
    document told how many more of its paragraphs match. `copies`: set aside a
    paragraph whose text is that of one shown before it, listed under that one's
    docnum."""
    shown: dict[tuple[str, str], int] = {}
    first_with: dict[str, int] = {}  # a shown paragraph's text -> its docnum
    rows = []
    past_page = 0
    for score, docnum in matches if order is None else order:
        if limit is not None and len(rows) >= limit:
            # Copies score about alike, so they rank close together: look a little
            # past the page for more copies of its paragraphs, not at every match.
            if not past_page and hasattr(order, "settle"):
                order.settle()  # past the page the order no longer matters
            past_page += 1
            if copies is None or past_page > COPIES_LOOKAHEAD:
                break
        stored = backend.stored(docnum)
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
    if count_more and per_doc and total > len(rows):
        matched = {docnum for _, docnum in matches}  # every match: no limit
        # Only the last paragraph shown of a document says how many more it has.
        last = {row[3]: i for i, row in enumerate(rows)}
        for i, row in enumerate(rows):
            key = row[3]
            more = backend.count_matching(key, matched) - shown[key] if last[key] == i else 0
            row[3] = max(0, more)
    else:
        for row in rows:
            row[3] = 0
    return [tuple(row) for row in rows]
