"""`--expand`: pseudo-relevance feedback in the manner of RM3.

The query runs once; the words that are frequent in its best paragraphs (weighted
by how well each paragraph scored) are added as optional words, so a paragraph
that says "truce" can rank for "ceasefire" when the top hits use both. The added
words only re-rank what the query matches (the backend adds them as optional,
score-only words): a filter or a NOT in the query keeps its meaning, and no
paragraph without a query word enters. Only the backend's term statistics are read.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from index.fields import text_field

if TYPE_CHECKING:
    from search.backend import TermStatistics

FEEDBACK_PARAGRAPHS = 10
EXPANSION_TERMS = 10
# Words in more than this share of paragraphs carry no topic (and cost time).
MAX_DF_SHARE = 0.1


def feedback_terms(
    stats: TermStatistics, q: Any, exclude: set[str]
) -> list[tuple[str, str, float]]:
    """(field, stem, weight) of the words that best describe the top paragraphs of `q`,
    each paragraph read in its own language's field (a German paragraph's words are
    German stems in `text_de`)."""
    scored = [
        (score, text, text_field(lang))
        for score, text, lang in stats.top_paragraphs(q, FEEDBACK_PARAGRAPHS)
    ]
    if not scored:
        return []
    top = max(s for s, _, _ in scored) or 1.0
    weights: Counter[tuple[str, str]] = Counter()
    for score, text, field in scored:
        tokens = [t.text for t in stats.analyzer(field)(text, mode="index")]
        if not tokens:
            continue
        counts = Counter(tokens)
        for word, tf in counts.items():
            # P(w|D) times the paragraph's relevance (its score relative to the best).
            weights[field, word] += (tf / len(tokens)) * (score / top)
    n_docs: dict[str, int] = {}
    picked = []
    for (field, word), weight in weights.most_common():
        if word in exclude or len(word) < 3 or word.isdigit():
            continue
        if field not in n_docs:  # the field's paragraphs, not the whole archive's
            n_docs[field] = stats.doc_count(field)
        df = stats.doc_frequency(field, word)
        if df < 2 or df > MAX_DF_SHARE * n_docs[field]:
            continue
        picked.append((field, word, weight))
        if len(picked) == EXPANSION_TERMS:
            break
    return picked
