"""Did-you-mean: respell a query's rare words with words the index actually holds.

The index stores stems (`ceasefir`), and Whoosh's corrector suggests index terms,
so a suggestion is mapped back to a surface form: the word as it is written in a
paragraph that contains the stem. What we offer is always a real word a person
could have typed; the engine offers it only when the respelled query finds more
than the original (Engine.did_you_mean compares the counts). Only the backend's
term statistics (search.backend.TermStatistics) are read.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from whoosh.analysis import Tokenizer

from index.fields import language_variants
from search.query.parsing import MAX_QUERY_CHARS

if TYPE_CHECKING:
    from search.backend import TermStatistics

FIELD = "text"
MAX_DISTANCE = 2
# A word is a candidate for respelling when at most this many paragraphs hold it,
# and a replacement must be in at least RATIO times as many.
RARE = 2
RATIO = 5
POSSESSIVE = re.compile(r"['’]s$")
# Stems looked at by the letters a long typo starts with (see _stems_begun).
PREFIX = 4
SCAN = 2000
# Longer words are not respelled: no typo of a real word is this long (German
# compounds run to about 40 letters).
MAX_WORD_CHARS = 50


def surface_form(
    stats: TermStatistics, stem: str, near: str | None = None, field: str = FIELD
) -> str | None:
    """How `stem` (a term of `field`) is written in the first paragraphs that contain
    it: the form nearest to `near` (the word typed), else the commonest."""
    analyzer = stats.analyzer(field)
    words = _candidate_words(analyzer, stem[:1])
    stems: dict[str, set[str]] = {}  # each distinct word analysed once
    seen: Counter[str] = Counter()
    for text in stats.texts_with(field, stem, 5):  # the stored text: every language's
        for written in words(text):
            if written not in stems:
                stems[written] = {t.text for t in analyzer(written, mode="index")}
            if stem in stems[written]:
                seen[POSSESSIVE.sub("", written.lower())] += 1  # `minister's`: `minister`
    if not seen:
        return None
    if near is None:
        return seen.most_common(1)[0][0]
    typed = folded(near)
    return min(seen, key=lambda w: (distance(typed, folded(w)), -seen[w]))


def folded(word: str) -> str:
    """`word` lowercased without accents, as the index compares words."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c)
    )


def _candidate_words(analyzer, first: str) -> Callable[[str], list[str]]:
    """A function giving the words of a text that may be indexed as a term starting
    with `first`: the analyzer's own tokenizer, keeping the words whose first letter
    folds to it (stemming keeps the first letter). Analysing every word of the
    paragraphs took most of a did-you-mean's time (5-10 ms per suggested word)."""
    items = getattr(analyzer, "items", None)
    if not items or not isinstance(items[0], Tokenizer):

        def every(text: str) -> list[str]:
            return [text[t.startchar : t.endchar] for t in analyzer(text, chars=True)]

        return every
    tokenizer = items[0]
    charmap: dict = {}
    for item in items[1:]:  # accent folding (CharsetFilter)
        charmap.update(getattr(item, "charmap", None) or {})

    def words(text: str) -> list[str]:
        return [
            t.text
            for t in tokenizer(text, mode="index")
            if t.text[:1].lower().translate(charmap) == first
        ]

    return words


def respell(stats: TermStatistics, word: str) -> str | None:
    """A more common real word close to `word`, or None when `word` is fine.

    Each language's text field is asked (`Regirung` is a German paragraph's typo);
    a word common in any of them is fine. A word longer than MAX_WORD_CHARS is no
    typo of a word (and its edit distances would cost its length squared). Its own
    loops (edit distances in Python) stop at the time limit it runs under, as the
    backend's collectors and expansions do (`stats.past_deadline()`)."""
    if len(word) > MAX_WORD_CHARS:
        return None
    # (field, stem, how many paragraphs a replacement must be in)
    rare: list[tuple[str, str, int]] = []
    for field in language_variants("text"):
        if not stats.has_field(field):
            continue
        tokens = [t.text for t in stats.analyzer(field)(word, mode="query")]
        if len(tokens) != 1:
            continue  # a stop word there, or several tokens: not this field's to respell
        df = stats.doc_frequency(field, tokens[0])
        if df > RARE:
            return None
        rare.append((field, tokens[0], df * RATIO if df else 1))
    edits = max_edits(word)
    if not rare or not edits:
        return None
    # prefix=1: a typo rarely hits the first letter, and it keeps the scan short.
    scored = []
    for field, stem, floor in rare:
        found = stats.terms_within(field, stem, edits, 1)
        # Nobody misspells a word they want into `what` or `there`: frequent, near
        # everything short, and useless as a search (`wheat OR corn` -> `what OR core`).
        function = stats.function_stems(field)
        for candidate in found:
            if stats.past_deadline():
                return None
            if candidate == stem:
                continue
            cdf = stats.doc_frequency(field, candidate)
            if cdf >= floor and candidate not in function:
                scored.append((distance(stem, candidate), -cdf, candidate, field))
    typed = folded(word)
    nearest = sorted(scored)[:6]
    if edits >= MAX_DISTANCE:
        # A typo near a word's end breaks its stem (`elecion` stems to itself, three
        # edits from `elect`), so also try the stems the typed letters start like.
        for field, _, floor in rare:
            nearest += _stems_begun(stats, field, typed, edits, floor)
    # Judge the nearest few by how the word is written, not by its stem.
    # A near stem can be written far from the word typed (`wheat` -> stem `whet` ->
    # `whetting`): what is offered must itself be within reach of what was typed.
    written = []
    for _, neg_df, candidate, field in dict.fromkeys(nearest):
        if stats.past_deadline():
            break
        surface = surface_form(stats, candidate, near=word, field=field)
        if surface:
            d = distance(typed, folded(surface))
            if d <= edits:
                written.append((d, neg_df, surface))
    return min(written)[2] if written else None


def _stems_begun(
    stats: TermStatistics, field: str, typed: str, edits: int, floor: int, keep: int = 4
) -> list[tuple[int, int, str, str]]:
    """The `keep` commonest stems of `field` that start with the typed word's first
    PREFIX letters and are within `edits` of its start of their length (`elect` of
    `eleci…`), as (distance, -paragraphs, stem, field); at most SCAN stems read."""
    function = stats.function_stems(field)
    found = []
    for n, stem in enumerate(stats.terms_with_prefix(field, typed[:PREFIX])):
        if n >= SCAN or stats.past_deadline():
            break
        if len(stem) > len(typed) + edits or stem in function:
            continue
        d = distance(stem, typed[: len(stem)])
        if d <= edits:
            cdf = stats.doc_frequency(field, stem)
            if cdf >= floor:
                found.append((d, -cdf, stem, field))
    return sorted(found, key=lambda c: c[1])[:keep]


def max_edits(word: str) -> int:
    """How far a respelling may be from `word`: Elasticsearch's AUTO fuzziness (none up
    to 2 letters, 1 up to 5, then MAX_DISTANCE). Two edits make a short word another
    word, not a typo: `wheat` is two from `went`, `corn` two from `cord` and `born`."""
    n = len(word)
    return 0 if n <= 2 else 1 if n <= 5 else MAX_DISTANCE


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (adjacent swaps cost 1), as Whoosh's fuzzy matching counts."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cost = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, prev2[j - 2] + 1)
            cur.append(cost)
        prev2, prev = prev, cur
    return prev[-1]


def in_case_of(typed: str, better: str) -> str:
    """`better` written in the case the person typed: `Reagen` → `Reagan`, `NATP` →
    `NATO`; a word typed in lower case is shown as the documents write it (`élysée`)."""
    if len(typed) > 1 and typed.isupper():
        return better.upper()
    if typed[:1].isupper():
        return better[:1].upper() + better[1:]
    return better


def respelled(stats: TermStatistics, text: str, words: list[str]) -> str | None:
    """`text` with its rare `words` (the plan's respellable ones) respelled, or None
    when none needs it. Whether the respelling finds more is the engine's to judge."""
    text = text[:MAX_QUERY_CHARS]  # the query as it is searched (search.query cuts it)
    changed = text
    for word in dict.fromkeys(words):
        if stats.past_deadline():
            return None
        better = respell(stats, word)
        if better and better != word.lower():
            better = in_case_of(word, better)
            changed = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better, changed)
    return None if changed == text else changed
