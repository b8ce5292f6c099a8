"""The fields a paragraph has and a query can name, whatever engine stores them.

Languages: the paragraph text, title and heading are indexed in the field of the
document's analysis language (`text` for English and everything without its own
analyzer, `text_de`, `text_ar`, ...); the stored copy always sits in `text`,
`title` and `heading`, so readers of a hit never need to know the language.
The Whoosh schema that holds them is index.whoosh.schema.
"""

from __future__ import annotations

from index.languages import ANALYZED, ENGLISH, analysis_language

# Fields that exist once per analysed language.
LANGUAGE_FIELDS = ("text", "title", "heading")


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


def text_field(lang: str, base: str = "text") -> str:
    """The field whose analyzer reads a paragraph in language `lang` (highlighting)."""
    return field_for(base, analysis_language(lang))


# Fields a bare query word is looked up in (every language's text, which holds the
# title and heading too), with their weights.
SEARCH_FIELDS: dict[str, float] = {field_for("text", lang): 1.0 for lang in ANALYZED}

# Every paragraph's words in their written form (case, accents and quotes folded, not
# stemmed; index.whoosh.analysis.written_analyzer), in one field for every language,
# its title and heading folded in as in the text field: Elasticsearch's `exact`
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
