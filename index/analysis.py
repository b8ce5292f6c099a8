"""Text analysis shared by indexing, querying and highlighting.

One analyzer, used in all three places, is what makes `ceasefires` find and
highlight `ceasefire`, and `Putin's` find `Putin’s`.
"""

from __future__ import annotations

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

# Words joined by apostrophes (Putin's, don’t) stay one token so the possessive
# can be stripped instead of leaving a stray "s" token.
TOKEN_PATTERN = r"\w+(?:['’‘ʼ′`]\w+)*"

# Lucene's English stop set: small on purpose, and unlike Whoosh's default it keeps
# "us" (as in "US trade deficit") and "may" (the month).
STOP_WORDS = frozenset(
    (
        "a an and are as at be but by for if in into is it no not of on or such that the "
        "their then there these they this to was will with"
    ).split()
)

_QUOTE_MAP = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "′": "'", "`": "'"})


class QuoteFilter(Filter):
    """Normalise typographic apostrophes to ASCII so both spellings index alike."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = t.text.translate(_QUOTE_MAP)
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


def english_analyzer():
    """Tokenize, fold quotes/case/accents, drop English stop words, Snowball-stem."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | QuoteFilter()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | PossessiveFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | StemFilter(lang="en", cachesize=100_000)
    )


def keyword_analyzer():
    """For short metadata (source names, authors): folded words, no stemming."""
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | QuoteFilter()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
    )
