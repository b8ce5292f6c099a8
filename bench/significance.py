"""Is the product's ranking better or worse than the BM25 reference beyond chance?

`bench/relevance.py` compares means. This script asks how much of a difference the
queries of each collection can tell apart: it recomputes the reference run with the
reference's own tool (bm25s, Lucene BM25 k1=0.9 b=0.4, English stop words, Snowball
stemmer, title + text as one document, as in bm25_reference_local.tsv), makes the
product's run exactly as bench/relevance.py does (its default settings, or the ones
given), scores both per query with pytrec_eval, and runs two paired tests over the
queries with scipy: a t-test with its 95% confidence interval for the mean
difference, and a sign-flip permutation test. An interval that spans 0 means the
collection cannot tell the two rankings apart.

    pip install -e '.[bench]'
    python bench/significance.py                 # every collection
    python bench/significance.py npl adi --fill  # some, with an option of relevance.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import relevance  # noqa: E402
from bench.reference_maxp import bm25s_run  # noqa: E402

REF_K1, REF_B = 0.9, 0.4
PERMUTATIONS = 10_000


def reference_run(col: relevance.Collection, depth: int = 1000) -> dict[str, dict[str, float]]:
    """The reference's run: bm25s over whole documents (title + text)."""
    units = []
    with open(col.docs) as f:
        for line in f:
            d = json.loads(line)
            text = f"{d.get('title') or ''} {d.get('text') or ''}"
            units.append((str(d.get("id", d.get("_id"))), text))
    return bm25s_run(units, col.queries, REF_K1, REF_B, depth)


def per_query_ndcg(run, qrels) -> dict[str, float]:
    import pytrec_eval

    evaluated = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"}).evaluate(run)
    # A query the run has nothing for scores 0 (pytrec_eval leaves it out).
    return {qid: evaluated.get(qid, {}).get("ndcg_cut_10", 0.0) for qid in qrels}


def compare(ours: dict[str, float], ref: dict[str, float]) -> dict[str, float]:
    """Paired tests of ours - ref over the queries."""
    import numpy as np
    from scipy import stats

    qids = sorted(ref)
    a = np.array([ours[q] for q in qids])
    b = np.array([ref[q] for q in qids])
    diff = a - b
    t = stats.ttest_rel(a, b)
    low, high = t.confidence_interval(0.95)
    perm = stats.permutation_test(
        (diff,),
        np.mean,
        permutation_type="samples",
        n_resamples=PERMUTATIONS,
        random_state=0,
    )
    return {
        "queries": len(qids),
        "ref": float(b.mean()),
        "ours": float(a.mean()),
        "diff": float(diff.mean()),
        "low": float(low),
        "high": float(high),
        "p_t": float(t.pvalue) if np.isfinite(t.pvalue) else 1.0,
        "p_perm": float(perm.pvalue),
        "better": int((diff > 1e-9).sum()),
        "worse": int((diff < -1e-9).sum()),
    }


def _p(value: float) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _row(label: str, r: dict[str, float], ref: str) -> str:
    return (
        f"| {label} | {r['queries']} | {ref} | {r['ours']:.4f} | {r['diff']:+.4f} "
        f"| [{r['low']:+.4f}, {r['high']:+.4f}] | {_p(r['p_t'])} | {_p(r['p_perm'])} "
        f"| {r['better']} / {r['worse']} |"
    )


def main(argv: list[str] | None = None) -> int:
    args = relevance.build_parser(__doc__).parse_args(argv)
    relevance.apply_fields(args.fields, args.written)
    refs = relevance.references(args.corpora)
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"# ours against bm25s k1={REF_K1} b={REF_B}: nDCG@10 per query, paired tests")
    print(
        "| collection | queries | ref (tsv) | ours | ours - ref | 95% interval | p (t) "
        "| p (permutation) | queries better / worse |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rows = {}
    pooled_ours: dict[str, float] = {}
    pooled_ref: dict[str, float] = {}
    for name in relevance.collections(args):
        col = relevance.load(name, args.split, args.corpora)
        with relevance.make_engine(relevance.build_index(col, args.cache), args) as engine:
            ours_run, _ = relevance.run_queries(
                engine, col, args.expand, args.depth, False, args.keywords, args.fill
            )
        ours = per_query_ndcg(ours_run, col.qrels)
        ref = per_query_ndcg(reference_run(col), col.qrels)
        r = compare(ours, ref)
        tsv = refs.get((name, f"{REF_K1}/{REF_B}"), {}).get("ndcg_cut_10", float("nan"))
        print(_row(name, r, f"{r['ref']:.4f} ({tsv:.4f})"), flush=True)
        rows[name] = r
        if name in relevance.CLASSIC:
            pooled_ours.update({f"{name}/{q}": v for q, v in ours.items()})
            pooled_ref.update({f"{name}/{q}": v for q, v in ref.items()})
    if len(pooled_ref) > 0 and len({k.split("/")[0] for k in pooled_ref}) > 1:
        # Every judged query of the classic collections, each one observation.
        r = rows["classic, pooled"] = compare(pooled_ours, pooled_ref)
        print(_row("classic, pooled", r, f"{r['ref']:.4f}"))
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
