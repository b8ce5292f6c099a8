"""Text analysis shared by indexing, querying and highlighting.

One analyzer per language, used in all three places, is what makes `ceasefires`
find and highlight `ceasefire`, `Putin's` find `Putin’s`, `Regierungen` find
`Regierung` and `المدرسة` find `مدرسه`.

Every analyzer starts with the same steps and drops the same stop words (the
union of the English, German and Arabic lists below). That matters because a
bare query word is looked up in every language's field at once: if one
language dropped a word that another kept, `the ceasefire` would demand "the"
from German paragraphs, and `the` alone would stop being an empty query.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
)
from whoosh.support.charset import accent_map

from index.languages import ARABIC, ENGLISH, GERMAN
from index.spelling_variants import american

# Arabic diacritics (tashkeel, U+064B-U+065F, superscript alef U+0670) and the
# tatweel (U+0640) are part of a word, not separators.
_MARKS = "\u064b-\u065f\u0670\u0640"
# Words joined by apostrophes (Putin's, don’t) stay one token so the possessive
# can be stripped instead of leaving a stray "s" token.
TOKEN_PATTERN = rf"[\w{_MARKS}]+(?:['’‘ʼ′`][\w{_MARKS}]+)*"

# Lucene's English stop set: small on purpose, and unlike Whoosh's default it keeps
# "us" (as in "US trade deficit") and "may" (the month).
ENGLISH_STOP_WORDS = frozenset(
    (
        "a an and are as at be but by for if in into is it no not of on or such that the "
        "their then there these they this to was will with"
    ).split()
)
# German function words that are not also English content words ("die", "war",
# "man", "hat", "den" and "will" stay searchable).
GERMAN_STOP_WORDS = frozenset(
    (
        "der das und ist zu dem des ein eine einer eines einem einen im mit auf für "
        "von vom zum zur sich nicht auch es sie er wir ich dass daß werden wird wurde "
        "wurden sind haben bei aus nach um als oder noch wie über aber"
    ).split()
)
# Arabic particles and pronouns, matched before letters are normalised (as Lucene
# does), so "على" (on) is dropped but the name "علي" is kept.
ARABIC_STOP_WORDS = frozenset(
    (
        "في من على إلى الى عن أن ان إن ما لا لم لن هذا هذه ذلك تلك التي الذي الذين "
        "و أو او ثم قد كان كانت مع كل بين عند حتى هو هي هم منذ بعد قبل خلال وفي ومن"
    ).split()
)
STOP_WORDS = ENGLISH_STOP_WORDS | GERMAN_STOP_WORDS | ARABIC_STOP_WORDS

_QUOTE_MAP = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "′": "'", "`": "'"})
_MARK_MAP = str.maketrans({c: None for c in [*map(chr, range(0x064B, 0x0660)), "\u0670", "\u0640"]})
_ARABIC_LETTER_MAP = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


class QuoteFilter(Filter):
    """Normalise typographic apostrophes to ASCII, and compatibility characters to
    their plain letters (NFKC: the ligature in `ﬁnance`, full-width `ＵＮ`, Arabic
    presentation forms), so each spelling indexes alike. `İ` (Turkish capital dotted
    I) becomes `I` first: lowercased it is `i` plus a combining dot, which no query
    typed `istanbul` would match. (The class keeps its name: indexes pickle it.)"""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if not text.isascii():
                text = text.replace("İ", "I")
                if not unicodedata.is_normalized("NFKC", text):
                    text = unicodedata.normalize("NFKC", text)
                t.text = text.translate(_QUOTE_MAP)
            yield t


class ArabicMarksFilter(Filter):
    """Drop Arabic diacritics and tatweel: `كَتَبَ` and `كتب` are one word."""

    def __call__(self, tokens):
        for t in tokens:
            if not t.text.isascii():  # most tokens are; isascii() is far cheaper than translate
                t.text = t.text.translate(_MARK_MAP)
                if not t.text:
                    continue
            yield t


class PossessiveFilter(Filter):
    """Drop a trailing possessive `'s` before stemming (Snowball leaves `hamas's`)."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if text.endswith("'s") and len(text) > 2:
                t.text = text[:-2]
            elif text.endswith("'"):
                t.text = text.rstrip("'")
            yield t


class SnowballStemFilter(Filter):
    """Snowball stemming by the Snowball project's own code (PyStemmer).

    Whoosh's `StemFilter` runs a pure-Python port of an old Snowball English that
    merges words a reader keeps apart: `organism` and `organ`, `international` and
    `intern`, `evening` and `even`, `added` and `ad`. PyStemmer is the current
    algorithm, the one the reference BM25 runs in bench/ use, and cheaper (BBC's
    592k words: 0.37 s of stemming instead of 0.60 s, over 2.07 s of tokenizing).
    The stemmer object is made on first use and never pickled (Whoosh pickles the
    schema, analyzers included, into the index).
    """

    def __init__(self, lang: str):
        self.lang = lang
        self._stem = None

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash((type(self), self.lang))

    def __getstate__(self) -> dict:
        return {"lang": self.lang}

    def __setstate__(self, state: dict) -> None:
        self.lang = state["lang"]
        self._stem = None

    def __call__(self, tokens):
        stem = self._stem
        if stem is None:
            import Stemmer  # PyStemmer: a C extension, loaded only when text is analysed

            stem = self._stem = Stemmer.Stemmer(self.lang, 100_000).stemWord
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


class AmericanSpellingFilter(Filter):
    """`privatisation` as `privatization`, `analysed` as `analyzed`; `rise`, `wise` and
    `surprise` untouched (index.spelling_variants)."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = american(t.text)
            yield t


class ArabicNormaliseFilter(Filter):
    """Fold the spelling variants Arabic writers mix freely: alef forms, yaa, taa marbuta."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = t.text.translate(_ARABIC_LETTER_MAP)
            yield t


# Light stemming after Lucene's ArabicStemmer: one article/conjunction prefix and
# common suffixes. Root extraction (Whoosh's ISRI) conflates too much: it maps
# both الرياض (Riyadh) and رياضة (sport) to ريض.
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "ال", "لل", "و")
_AR_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


@lru_cache(maxsize=100_000)
def arabic_light_stem(word: str) -> str:
    """Strip one prefix and then suffixes, keeping at least two letters (Lucene's rule)."""
    for prefix in _AR_PREFIXES:
        minimum = 4 if len(prefix) == 1 else len(prefix) + 2
        if word.startswith(prefix) and len(word) >= minimum:
            word = word[len(prefix) :]
            break
    for suffix in _AR_SUFFIXES:
        if word.endswith(suffix) and len(word) >= len(suffix) + 2:
            word = word[: -len(suffix)]
    return word


class ArabicStemFilter(Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = arabic_light_stem(t.text)
            yield t


def _common():
    """The steps every language shares, up to and including stop-word removal."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | QuoteFilter()
        | LowercaseFilter()
        | ArabicMarksFilter()
        | PossessiveFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
    )


def english_analyzer():
    """Shared steps, then accent folding, British spellings as American ones, and the
    Snowball English stemmer."""
    return (
        _common()
        | CharsetFilter(accent_map)
        | AmericanSpellingFilter()
        | SnowballStemFilter("english")
    )


def german_analyzer():
    """Shared steps, then Snowball German (it folds ä/ö/ü and ß itself), then accents."""
    return _common() | SnowballStemFilter("german") | CharsetFilter(accent_map)


def arabic_analyzer():
    """Shared steps, then Arabic letter normalisation and light stemming."""
    return _common() | ArabicNormaliseFilter() | ArabicStemFilter()


def written_analyzer():
    """The written form of a word, in every language: the shared steps (case,
    typographic quotes, the same stop words), accents and Arabic letter variants
    folded, British spellings as American ones; never stemmed. `privatization` and
    `private` are two words here (index.whoosh.schema's `exact` field)."""
    return (
        _common() | CharsetFilter(accent_map) | ArabicNormaliseFilter() | AmericanSpellingFilter()
    )


ANALYZERS = {ENGLISH: english_analyzer, GERMAN: german_analyzer, ARABIC: arabic_analyzer}


def keyword_analyzer():
    """For short metadata (source names, authors): folded words, no stemming."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | QuoteFilter()
        | LowercaseFilter()
        | ArabicMarksFilter()
        | CharsetFilter(accent_map)
    )
