"""Which language a document is in, and which analyzer it gets.

Detection is deliberately cheap (once per document, on its first 2,000 characters):
Arabic is recognised by its script, German from English by counting a few very
common function words in the first few thousand characters. A language given by
the document itself (a JSON `lang`/`language` key, `<html lang>`, front matter,
Word's language property) wins over detection. Languages without an analyzer of
their own are indexed with the English one, which only stems English suffixes.
"""

from __future__ import annotations

import re

ENGLISH, GERMAN, ARABIC = "en", "de", "ar"
# Languages with their own analyzer and text fields; the first is the default.
ANALYZED = (ENGLISH, GERMAN, ARABIC)

SAMPLE_CHARS = 2000
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")

# Words frequent in one language and rare in the other (no shared spellings).
_GERMAN_MARKERS = frozenset(
    "der die das und ist nicht ein eine einen dem den des mit auf für von sich auch "
    "wird werden wurde sind zu im über nach bei aus noch wie oder aber dass sie er".split()
)
_ENGLISH_MARKERS = frozenset(
    "the and of to is was that with for on are be by this from have has had were "
    "which their they it not but at an will would".split()
)

_ALIASES = {
    "english": ENGLISH,
    "eng": ENGLISH,
    "german": GERMAN,
    "deutsch": GERMAN,
    "deu": GERMAN,
    "ger": GERMAN,
    "arabic": ARABIC,
    "ara": ARABIC,
    "العربية": ARABIC,
}


def normalise_code(value: object) -> str:
    """'de-AT', 'German', 'deu' -> 'de'; other codes keep their primary subtag; junk -> ''."""
    if not isinstance(value, str):
        return ""
    code = value.strip().lower().replace("_", "-").split("-")[0]
    code = _ALIASES.get(code, code)
    return code if code.isalpha() and 2 <= len(code) <= 3 else ""


def analysis_language(code: str) -> str:
    """The analyzer a document in language `code` is indexed with."""
    return code if code in ANALYZED else ENGLISH


def detect(text: str) -> str:
    """'ar', 'de' or 'en' for text in those languages; '' when there is no telling."""
    sample = text[:SAMPLE_CHARS]
    if _ARABIC_LETTER.search(sample):  # the ratio is only worth counting when there is any
        arabic = len(_ARABIC_LETTER.findall(sample))
        if arabic / max(1, len(_LETTER.findall(sample))) > 0.3:
            return ARABIC
    words = _WORD.findall(sample.lower())
    if not words:
        return ""
    german = sum(w in _GERMAN_MARKERS for w in words)
    english = sum(w in _ENGLISH_MARKERS for w in words)
    if german > english and german >= 2:
        return GERMAN
    if english >= 1 and english >= german:
        return ENGLISH
    return ""


def document_language(given: str, sample: str) -> str:
    """The language to record: the document's own word when it gave one, else detected."""
    return normalise_code(given) or detect(sample)
