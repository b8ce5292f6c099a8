"""The Whoosh schema: one Whoosh document per paragraph.

`search` imports this module to parse queries against the same fields and
analyzers the writer used; nothing here imports from `search`.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

from index.analysis import english_analyzer, keyword_analyzer

# Bumped whenever a field or analyzer changes in a way old indexes cannot serve.
SCHEMA_VERSION = 1

# Fields a bare query word is looked up in, with their query-time weights. Title and
# heading are shared by many paragraphs, so they weigh less than the paragraph's own
# text: a heading that says the word must not outrank a paragraph that says it.
SEARCH_FIELDS: dict[str, float] = {"text": 1.0, "title": 0.35, "heading": 0.25}

# Fields a person can name in a query (`title:moscow`, `date:2024`, `path:reports/*`).
QUERY_FIELDS = (
    "text",
    "title",
    "heading",
    "doc_id",
    "path",
    "date",
    "source",
    "author",
    "lang",
    "page",
    "paragraph",
    "format",
)


def build_schema() -> Schema:
    """Return a fresh schema instance (Whoosh analyzers are not shared across schemas)."""
    english = english_analyzer()
    keyword = keyword_analyzer()
    return Schema(
        # Bookkeeping: which indexed file a paragraph came from ("<root-id>/<relpath>").
        file_key=ID(stored=True),
        root=STORED(),
        # What a person sees and can filter on.
        doc_id=ID(stored=True),
        path=ID(stored=True),
        format=ID(stored=True),
        title=TEXT(analyzer=english, stored=True, phrase=True),
        heading=TEXT(analyzer=english, stored=True, phrase=True),
        paragraph=NUMERIC(int, stored=True, signed=False),
        text=TEXT(analyzer=english, stored=True, phrase=True),
        date=DATETIME(stored=True),
        source=TEXT(analyzer=keyword, stored=True),
        author=TEXT(analyzer=keyword, stored=True),
        lang=ID(stored=True),
        page=NUMERIC(int, stored=True, signed=False),
    )
