"""What ranking paragraphs (MaxP) costs BM25 itself, with the reference's own tool.

The local references in ../shared/corpora/bm25_reference_local.tsv score whole
documents with bm25s (Lucene BM25, English stop words, Snowball stemmer). This
script scores the same collections the same way, then once more over paragraphs
(the document title in front of each, as our folded text field holds it), ranking
each document by its best paragraph: the gap between the two is what the product's
unit of retrieval costs before any of our own choices.

    pip install -e '.[bench]'
    python bench/reference_maxp.py adi cisi cranfield medline
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpora import CORPORA  # noqa: E402


def _load(folder: Path):
    docs = [json.loads(line) for line in (folder / "docs.jsonl").open()]
    queries = {str(q["id"]): q["text"] for q in map(json.loads, (folder / "queries.jsonl").open())}
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "qrels.txt").open():
        qid, _, did, rel = line.split()
        qrels.setdefault(qid, {})[did] = int(rel)
    return docs, {q: t for q, t in queries.items() if q in qrels}, qrels


def bm25s_run(
    units: list[tuple[str, str]], queries, k1: float, b: float, depth: int = 3000
) -> dict[str, dict[str, float]]:
    """The reference's own BM25 (bm25s, Lucene's formula, English stop words, Snowball
    stemmer) over `units` ((doc id, text) pairs), each document scored by its best unit.
    With one unit per document this is the local reference run itself."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")

    def tokens(texts):
        return bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)

    model = bm25s.BM25(k1=k1, b=b, method="lucene")
    model.index(tokens([text for _, text in units]), show_progress=False)
    run = {}
    for qid, text in queries.items():
        found, scores = model.retrieve(
            tokens([text]), k=min(depth, len(units)), show_progress=False
        )
        best: dict[str, float] = {}
        for i, score in zip(found[0], scores[0], strict=True):
            doc = units[i][0]
            best[doc] = max(best.get(doc, 0.0), float(score))
        run[qid] = best
    return run


def ndcg10(units: list[tuple[str, str]], queries, qrels, k1: float, b: float) -> float:
    """nDCG@10 of bm25s over `units`, documents by best unit."""
    import pytrec_eval

    run = bm25s_run(units, queries, k1, b)
    per_query = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"}).evaluate(run)
    return statistics.fmean(m["ndcg_cut_10"] for m in per_query.values())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("collections", nargs="+")
    p.add_argument("--k1", type=float, default=0.9)
    p.add_argument("--b", type=float, default=0.4)
    p.add_argument("--corpora", type=Path, default=CORPORA)
    args = p.parse_args(argv)
    print("| collection | documents | paragraphs | whole documents | paragraphs, MaxP |")
    print("|---|---|---|---|---|")
    for name in args.collections:
        docs, queries, qrels = _load(args.corpora / name)
        whole = [(d["id"], f"{d.get('title') or ''} {d.get('text') or ''}") for d in docs]
        paragraphs = [
            (d["id"], f"{d.get('title') or ''} {para}")
            for d in docs
            for para in ([x for x in (d.get("text") or "").split("\n\n") if x.strip()] or [""])
        ]
        a = ndcg10(whole, queries, qrels, args.k1, args.b)
        m = ndcg10(paragraphs, queries, qrels, args.k1, args.b)
        print(f"| {name} | {len(docs)} | {len(paragraphs)} | {a:.4f} | {m:.4f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
