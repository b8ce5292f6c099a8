"""The Whoosh schema: one Whoosh document per paragraph.

The search backend opens the index with this schema, so queries are parsed
against the same fields and analyzers the writer used; nothing here imports from
`search`. Which fields there are, and each language's, is index.fields.
"""

from __future__ import annotations

import sys

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from index.fields import WRITTEN_FIELD, field_for
from index.languages import ANALYZED, ENGLISH
from index.whoosh.analysis import ANALYZERS, keyword_analyzer, written_analyzer
from index.whoosh.folded_text import FoldedText, Sections, sections

# Bumped whenever a field or analyzer changes in a way old indexes cannot serve.
# 2: per-language text/title/heading fields, shared stop words, `tags`.
# 3: the title and heading folded into the text field as weighted words.
# 4: Snowball stemming by PyStemmer (Whoosh's port merged `organism` and `organ`).
# 5: the `exact` field of written forms; British -ise/-isation/-yse spellings folded.
SCHEMA_VERSION = 5

# How much a word of the title or heading counts, folded into every paragraph's
# text field (index.whoosh.folded_text), against 1 for a word of the paragraph itself.
# Title and heading are shared by many paragraphs, so they weigh less than the
# paragraph's own text: a heading that says the word must not outrank a paragraph
# that says it. Chosen on SciFact's train queries (bench/RESULTS.md).
CONTEXT_WEIGHTS: dict[str, float] = {"title": 1.0, "heading": 0.25}


def folded_text(text: str, title: str = "", heading: str = "") -> Sections:
    """What a paragraph's text field indexes: its words, then its title and heading at
    CONTEXT_WEIGHTS. A title that is the paragraph itself (a document with no body)
    is not counted twice."""
    return sections(
        text,
        title if title.strip() != text.strip() else "",
        heading,
        title_weight=CONTEXT_WEIGHTS["title"],
        heading_weight=CONTEXT_WEIGHTS["heading"],
    )


class DATE(DATETIME):
    """A DATETIME whose open ranges mean whole periods: `date:>2023` is 2024 onwards.

    Whoosh's own parse_range ignores `>`/`<` exclusivity and widens both ends, so
    `date:<2022` would include all of 2022.
    """

    def parse_range(self, fieldname, start, end, startexcl, endexcl, boost=1.0):
        from whoosh import query
        from whoosh.util.times import datetime_to_long

        if start is None and end is None:
            return query.Every(fieldname, boost=boost)
        try:
            lo = self._parse_datestring(start) if start is not None else None
            hi = self._parse_datestring(end) if end is not None else None
        except Exception as exc:  # Whoosh raises a bare Exception for a bad date
            return query.error_query(exc)
        if lo is not None:
            lo = datetime_to_long(lo.ceil() if startexcl else lo.floor())
        if hi is not None:
            hi = datetime_to_long(hi.floor() if endexcl else hi.ceil())
        return query.NumericRange(
            fieldname, lo, hi, startexcl=startexcl, endexcl=endexcl, boost=boost
        )


def build_schema() -> Schema:
    """Return a fresh schema instance (Whoosh analyzers are not shared across schemas)."""
    keyword = keyword_analyzer()
    fields = dict(
        # Bookkeeping: which indexed file a paragraph came from ("<root-id>/<relpath>").
        file_key=ID(stored=True),
        root=STORED(),
        # What a person sees and can filter on.
        doc_id=ID(stored=True),
        path=ID(stored=True),
        format=ID(stored=True),
        # shift_step=0: Whoosh's tiered range splitting is wrong for small ranges
        # (page:[2 TO 5] matched page 1); without tiers a range is one exact term range.
        paragraph=NUMERIC(int, stored=True, signed=False, shift_step=0),
        date=DATE(stored=True),
        source=TEXT(analyzer=keyword, stored=True),
        author=TEXT(analyzer=keyword, stored=True),
        lang=ID(stored=True),
        page=NUMERIC(int, stored=True, signed=False, shift_step=0),
        tags=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
    )
    for lang in ANALYZED:
        analyzer = ANALYZERS[lang]()
        stored = lang == ENGLISH  # the one stored copy; see the module docstring
        fields[field_for("text", lang)] = FoldedText(analyzer=analyzer, stored=stored, phrase=True)
        for base in ("title", "heading"):
            fields[field_for(base, lang)] = TEXT(analyzer=analyzer, stored=stored, phrase=True)
    fields[WRITTEN_FIELD] = FoldedText(analyzer=written_analyzer(), stored=False, phrase=True)
    return Schema(**fields)


def _keep_old_paths() -> None:
    """Whoosh pickles the schema into every index, each class named by its module's
    path: indexes written before these modules moved under index/whoosh name
    `index.analysis`, `index.folded_text` and `index.schema`. Those names are kept
    importable (as these modules), so such an index opens as it did."""
    from index.whoosh import analysis, folded_text

    for old, module in (
        ("index.analysis", analysis),
        ("index.folded_text", folded_text),
        ("index.schema", sys.modules[__name__]),
    ):
        sys.modules.setdefault(old, module)


_keep_old_paths()
