"""The query read once: the tree, its words as typed, their stems and counts.

A query's text is parsed here and nowhere else. Ranking reads the plan's tree,
its free parts (each named as the person typed it) and how often each word was
asked; highlighting and `--explain` read its tree and parts; did-you-mean reads
its respellable words. Before, each step re-derived these from the text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from whoosh import query as wq

from index.fields import WRITTEN_FIELD
from search.query.parsing import (
    MAX_QUERY_CHARS,
    _is_free,
    free_parts,
    parse,
    plain_words,
    respellable_words,
)

# Up to this many words every word is required, and paragraphs with only some of
# them are shown only when none has them all ("Bogdanov ceasefire" means both).
# Longer queries are filled up to the limit with paragraphs that miss a word: a
# query of three or more words that two paragraphs happen to match in full must
# not stop at those two.
STRICT_WORDS = 2
# Up to this many words a query is keywords, each of which the person wants;
# longer ones are prose, whose function words (`what`, `which`) are dropped.
KEYWORDS = 4


@dataclass
class QueryPlan:
    """What a person typed, read once."""

    text: str  # as typed
    query: wq.Query  # the tree to run
    notices: list[str] = field(default_factory=list)  # what parsing repaired
    words: list[str] = field(default_factory=list)  # the plain words, as typed
    counts: Counter[str] = field(default_factory=Counter)  # (English) stem -> times asked
    surface: dict[str, str] = field(default_factory=dict)  # stem -> the word typed
    parts: list[tuple[str, wq.Query]] = field(default_factory=list)  # free words, named

    @cached_property
    def respellable(self) -> list[str]:
        """The words did-you-mean may respell (no field value, no number), of the
        query as it is searched (cut to MAX_QUERY_CHARS)."""
        return respellable_words(self.text[:MAX_QUERY_CHARS])

    @cached_property
    def fields(self) -> set[str]:
        """The fields the query names (`title:`, `date:`), not the bare words' fields."""
        return {
            leaf.field()
            for leaf in self.query.leaves()
            if leaf.field()
            and not leaf.field().startswith("text")
            and leaf.field() != WRITTEN_FIELD
        }

    @cached_property
    def filters(self) -> list[wq.Query]:
        """The parts that stay constraints whatever happens (`title:x`, `date:`, NOT)."""
        return constraints(self.query)


def read(text: str, schema, analyzer, rewrite: Callable[[wq.Query], wq.Query] | None = None):
    """Parse `text` into its plan; `analyzer` is the query analyzer of the English
    text field (counts and surface forms are of its stems), `rewrite` the backend's
    own form of the tree (search.whoosh.patterns.speed_up). Raises EmptyQuery."""
    parsed = parse(text, schema)
    q = rewrite(parsed.query) if rewrite is not None else parsed.query
    words = plain_words(text)
    counts: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for word in words:
        for token in analyzer(word, mode="query"):
            # Whoosh's parser keeps one copy of a repeated word; BM25 (as Lucene and
            # every reference run score it) counts a word asked three times three
            # times, and sentence-long requests repeat their key words.
            counts[token.text] += 1
            surface.setdefault(token.text, word)  # as typed: `Yeutter`, not `yeutter`
    parts = [(label(part, surface), part) for part in free_parts(q)]
    return QueryPlan(text, q, parsed.notices, words, counts, surface, parts)


def constraints(q: wq.Query) -> list[wq.Query]:
    """The parts of `q` a paragraph must satisfy however the free words are relaxed."""
    if isinstance(q, wq.AndNot):
        return [*constraints(q.a), wq.Not(q.b)]
    if isinstance(q, wq.AndMaybe):
        return constraints(q.a)
    if isinstance(q, wq.And):
        return [c for c in q.children() if not _is_free(c)]
    return [] if _is_free(q) else [q]


def label(part: wq.Query, surface: dict[str, str]) -> str:
    """How to name a query part to a person: the word as typed, not its stem."""
    names = list(dict.fromkeys(_leaf_label(leaf, surface) for leaf in part.leaves()))
    names = [n for n in names if n]
    if not names:
        return str(part)
    return names[0] if len(names) == 1 else "(" + " OR ".join(names) + ")"


def _leaf_label(leaf: wq.Query, surface: dict[str, str]) -> str | None:
    if leaf.field() == WRITTEN_FIELD and getattr(leaf, "word_group", None) is not None:
        return None  # a bare word's written form: its stem names it, as typed
    if leaf.field() in ("text", WRITTEN_FIELD):
        if isinstance(leaf, wq.Phrase):
            quoted = '"' + " ".join(surface.get(str(w), str(w)) for w in leaf.words) + '"'
            return quoted + (f"~{leaf.slop}" if leaf.slop > 1 else "")
        raw = getattr(leaf, "text", None)
        if raw is None:  # a range or other term-less leaf: name it as Whoosh prints it
            return str(leaf)
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        if isinstance(leaf, wq.Prefix):
            return text + "*"
        if isinstance(leaf, wq.FuzzyTerm):
            return surface.get(text, text) + "~"
        if isinstance(leaf, wq.Wildcard):
            return text
        if isinstance(leaf, wq.Term):
            return surface.get(text, text)
    return None
