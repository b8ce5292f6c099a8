"""`--expand`: pseudo-relevance feedback in the manner of RM3.

The query runs once; the words that are frequent in its best paragraphs (weighted
by how well each paragraph scored) are added as optional words, so a paragraph
that says "truce" can rank for "ceasefire" when the top hits use both. The added
words only re-rank what the query matches (Whoosh's AndMaybe): a filter or a
NOT in the query keeps its meaning, and no paragraph without a query word enters.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from whoosh import query as wq

from search.query.fields import text_field
from search.whoosh.scoring import field_doc_count

if TYPE_CHECKING:
    from search.engine import Engine

FEEDBACK_PARAGRAPHS = 10
EXPANSION_TERMS = 10
# Weight of the added words relative to the query's own (RM3's 1 - original weight).
EXPANSION_WEIGHT = 0.5
# Words in more than this share of paragraphs carry no topic (and cost time).
MAX_DF_SHARE = 0.1


def feedback_terms(engine: Engine, q: wq.Query, exclude: set[str]) -> list[tuple[str, str, float]]:
    """(field, stem, weight) of the words that best describe the top paragraphs of `q`,
    each paragraph read in its own language's field (a German paragraph's words are
    German stems in `text_de`)."""
    searcher = engine.searcher
    results = searcher.search(q, limit=FEEDBACK_PARAGRAPHS)
    scored = [
        (float(r.score or 0.0), r.get("text", ""), text_field(r.get("lang", ""))) for r in results
    ]
    if not scored:
        return []
    top = max(s for s, _, _ in scored) or 1.0
    weights: Counter[tuple[str, str]] = Counter()
    for score, text, field in scored:
        tokens = [t.text for t in engine.analyzer_for(field)(text, mode="index")]
        if not tokens:
            continue
        counts = Counter(tokens)
        for word, tf in counts.items():
            # P(w|D) times the paragraph's relevance (its score relative to the best).
            weights[field, word] += (tf / len(tokens)) * (score / top)
    reader = searcher.reader()
    n_docs: dict[str, int] = {}
    picked = []
    for (field, word), weight in weights.most_common():
        if word in exclude or len(word) < 3 or word.isdigit():
            continue
        if field not in n_docs:  # the field's paragraphs, not the whole archive's
            n_docs[field] = field_doc_count(searcher, field)
        df = reader.doc_frequency(field, word)
        if df < 2 or df > MAX_DF_SHARE * n_docs[field]:
            continue
        picked.append((field, word, weight))
        if len(picked) == EXPANSION_TERMS:
            break
    return picked


def expand_query(
    engine: Engine, q: wq.Query, parts: list[tuple[str, wq.Query]], per_doc: int = 0
) -> tuple[wq.Query, list[str]]:
    """`q` with feedback words added as optional, score-only words; and those words."""
    exclude = {
        str(leaf.text) for _, part in parts for leaf in part.leaves() if hasattr(leaf, "text")
    }
    terms = feedback_terms(engine, q, exclude)
    if not terms:
        return q, []
    top = terms[0][2]
    extra = wq.Or([wq.Term(f, w, boost=EXPANSION_WEIGHT * wt / top) for f, w, wt in terms])
    from search.spelling import surface_form

    shown = [surface_form(engine, w, field=f) or w for f, w, _ in terms]
    return wq.AndMaybe(q, extra), shown
