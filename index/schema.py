"""The Whoosh schema: one Whoosh document per paragraph.

`search` imports this module to parse queries against the same fields and
analyzers the writer used; nothing here imports from `search`.

Languages: the paragraph text, title and heading are indexed in the field of the
document's analysis language (`text` for English and everything without its own
analyzer, `text_de`, `text_ar`, ...); the stored copy always sits in `text`,
`title` and `heading`, so readers of a hit never need to know the language.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from index.analysis import ANALYZERS, keyword_analyzer, written_analyzer
from index.folded_text import FoldedText, Sections, sections
from index.languages import ANALYZED, ENGLISH

# Bumped whenever a field or analyzer changes in a way old indexes cannot serve.
# 2: per-language text/title/heading fields, shared stop words, `tags`.
# 3: the title and heading folded into the text field as weighted words.
# 4: Snowball stemming by PyStemmer (Whoosh's port merged `organism` and `organ`).
# 5: the `exact` field of written forms; British -ise/-isation/-yse spellings folded.
SCHEMA_VERSION = 5

# Fields that exist once per analysed language.
LANGUAGE_FIELDS = ("text", "title", "heading")
# How much a word of the title or heading counts, folded into every paragraph's
# text field (index.folded_text), against 1 for a word of the paragraph itself.
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


def field_for(base: str, lang: str) -> str:
    """The field that holds `base` (text/title/heading) for analysis language `lang`."""
    return base if lang == ENGLISH else f"{base}_{lang}"


def field_language(name: str) -> str | None:
    """The analysis language of a per-language field (`text_de` → `de`); None for the rest."""
    base, _, suffix = name.partition("_")
    if base not in LANGUAGE_FIELDS:
        return None
    if not suffix:
        return ENGLISH
    return suffix if suffix in ANALYZED else None


def language_variants(base: str) -> list[str]:
    """Every language's field for `base`, English (the stored one) first."""
    return [field_for(base, lang) for lang in ANALYZED]


# Fields a bare query word is looked up in (every language's text, which holds the
# title and heading too), with their weights.
SEARCH_FIELDS: dict[str, float] = {field_for("text", lang): 1.0 for lang in ANALYZED}

# Every paragraph's words in their written form (case, accents and quotes folded, not
# stemmed; index.analysis.written_analyzer), in one field for every language, its
# title and heading folded in as in the text field: Elasticsearch's `exact`
# sub-field. Quoted words and phrases, wildcards, prefixes and fuzzy terms are
# matched here; a bare word is scored here too, at WRITTEN_WEIGHT beside its stem,
# so that paragraphs saying the word as typed outrank those that only share its stem.
WRITTEN_FIELD = "exact"
# Chosen on the relevance collections (bench/RESULTS.md).
WRITTEN_WEIGHT = 0.25

# Fields a person can name in a query (`title:moscow`, `date:2024`, `path:reports/*`).
# `text:`, `title:` and `heading:` are looked up in every language's field.
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
    "tags",
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
