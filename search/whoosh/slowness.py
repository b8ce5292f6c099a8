"""Name what made a query slow, for the notice of a search stopped at its time limit.

"Try fewer wildcards" misleads when the query has none: `NOT oil` is slow because
it matches nearly every paragraph. The hint names the parts that cost: patterns
(each expands to many words), NOT clauses and very common words (each walks a long
list of paragraphs), phrases (they read word positions).
"""

from __future__ import annotations

from whoosh import query as wq

from index.fields import SEARCH_FIELDS

# A word in more than this share of the paragraphs is named as common.
COMMON_SHARE = 0.05
NAMED = 3  # parts named at most


def slow_hint(q: wq.Query, searcher) -> str:
    """'slow: NOT oil (most paragraphs), *ing (a wildcard)'; a general word when no
    part stands out."""
    found: dict[str, str] = {}
    _collect(q, searcher, found, negated=False)
    if not found:
        return "it matches many paragraphs"
    named = [f"{label} ({why})" for label, why in list(found.items())[:NAMED]]
    return "slow: " + ", ".join(named)


def _collect(q: wq.Query, searcher, found: dict[str, str], negated: bool) -> None:
    if isinstance(q, wq.Not):
        found.setdefault(f"NOT {_words(q.query)}", "it matches most paragraphs")
        return
    if isinstance(q, wq.AndNot):
        _collect(q.a, searcher, found, negated)
        found.setdefault(f"NOT {_words(q.b)}", "it reads every paragraph with the word")
        return
    if isinstance(q, wq.FuzzyTerm):
        found.setdefault(f"{q.text}~{q.maxdist}", "a fuzzy term: many words to look up")
    elif isinstance(q, wq.Prefix):
        found.setdefault(f"{q.text}*", "a wildcard: many words to look up")
    elif isinstance(q, wq.Wildcard | wq.Regex):
        found.setdefault(str(q.text), "a wildcard: many words to look up")
    elif isinstance(q, wq.Phrase):
        words = " ".join(w.decode() if isinstance(w, bytes) else str(w) for w in q.words)
        found.setdefault(f'"{words}"', "a phrase: word positions to read")
    elif isinstance(q, wq.NumericRange | wq.DateRange):
        found.setdefault(f"{q.fieldname}:range", "a range over many values")
    elif type(q) is wq.Term and q.fieldname in SEARCH_FIELDS:
        share = searcher.doc_frequency(q.fieldname, q.text) / max(1, searcher.doc_count_all())
        if share > COMMON_SHARE:
            found.setdefault(str(q.text), f"in {share:.0%} of the paragraphs")
    for child in q.children():
        _collect(child, searcher, found, negated)


def _words(q: wq.Query) -> str:
    """The words of a NOT clause, once each (one word looks in every language's field)."""
    texts = [getattr(leaf, "text", None) for leaf in q.leaves()]
    names = list(dict.fromkeys(str(t) for t in texts if t is not None))
    return " ".join(names) or str(q)
