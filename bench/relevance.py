"""Relevance harness: the product's own index and query path on IR test collections.

Each collection under ../shared/corpora is indexed with `index.indexer.index_paths`
(cached under the temp dir, keyed by the index code, so reruns are fast), every
query runs through `Engine.rank` (what `search` runs), documents are ranked by
their best paragraph (MaxP: one paragraph per document), and pytrec_eval scores
the run. Printed beside each figure: the local BM25 reference (bm25s, k1=0.9 b=0.4).

    python bench/relevance.py                    # every collection
    python bench/relevance.py cranfield cisi     # some
    python bench/relevance.py --quick            # ADI only (the test suite's check)
    python bench/relevance.py --baseline         # the core engine: Whoosh BM25F, AND-then-OR
    python bench/relevance.py --strategy plain   # another ranking of partial matches
    python bench/relevance.py beir_scifact --split train   # tune on SciFact's train queries
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


from bench.corpora import CORPORA  # noqa: E402  (one rule for where the corpora are)

CLASSIC = ("cranfield", "cisi", "medline", "cacm", "npl", "time", "lisa", "adi")
COLLECTIONS = ("beir_scifact", *CLASSIC)
QUICK = "adi"
DEPTH = 1000  # documents per query, as the reference runs (MAP is measured to depth 1000)
MEASURES = {"ndcg_cut.10", "map", "recall.100", "P.10"}
LABELS = (("ndcg_cut_10", "nDCG@10"), ("map", "MAP"), ("recall_100", "R@100"), ("P_10", "P@10"))
REF_LABELS = {"ndcg_cut_10": "nDCG@10", "map": "MAP", "recall_100": "R@100", "P_10": "P@10"}
# Anything that is not a word becomes a space: the collections' queries are prose
# (some in capitals, where AND/OR/NOT would read as operators), typed as words.
_NOT_WORD = re.compile(r"[^\w']+")


@dataclass
class Collection:
    name: str
    docs: Path
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def load(name: str, split: str = "test", corpora: Path = CORPORA) -> Collection:
    folder = corpora / name
    if name == "beir_scifact":
        docs = folder / "corpus.jsonl"
        queries = {}
        for line in (folder / "queries.jsonl").read_text().splitlines():
            q = json.loads(line)
            if q.get("split") == split:
                queries[str(q["_id"])] = q["text"]
        qrels: dict[str, dict[str, int]] = {}
        with open(folder / "qrels" / f"{split}.tsv") as f:
            rows = csv.reader(f, delimiter="\t")
            next(rows)
            for qid, did, rel in rows:
                qrels.setdefault(qid, {})[did] = int(rel)
    else:
        docs = folder / "docs.jsonl"
        queries = {}
        for line in (folder / "queries.jsonl").read_text().splitlines():
            q = json.loads(line)
            queries[str(q["id"])] = q["text"]
        qrels = {}
        for line in (folder / "qrels.txt").read_text().splitlines():
            qid, _, did, rel = line.split()
            qrels.setdefault(qid, {})[did] = int(rel)
    # Only judged queries count (CISI and CACM have unjudged ones).
    queries = {qid: text for qid, text in queries.items() if qid in qrels}
    return Collection(name, docs, queries, qrels)


def references(corpora: Path = CORPORA) -> dict[tuple[str, str], dict[str, float]]:
    """(collection, "k1/b") -> the local bm25s reference figures."""
    out = {}
    with open(corpora / "bm25_reference_local.tsv") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out[(row["collection"], f"{row['k1']}/{row['b']}")] = {
                key: float(row[label]) for key, label in REF_LABELS.items()
            }
    return out


def _code_digest() -> str:
    """Indexes are rebuilt whenever the indexing code changes."""
    h = hashlib.sha256()
    for path in sorted((REPO / "index").rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def build_index(col: Collection, cache: Path) -> Path:
    """Index the collection through the product's indexing path (cached)."""
    from index.indexer import index_paths
    from index.whoosh.storage import index_exists

    index_dir = cache / f"{col.name}-{_code_digest()}"
    if index_exists(index_dir) and (index_dir / "complete").exists():
        return index_dir
    started = time.perf_counter()
    report = index_paths([col.docs], index_dir, rebuild=True)
    if report.errors:
        raise SystemExit(f"indexing {col.name} failed: {report.errors}")
    (index_dir / "complete").write_text(str(report.total_paragraphs))
    print(
        f"  indexed {col.name}: {report.total_documents} docs, {report.total_paragraphs} "
        f"paragraphs in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return index_dir


def as_typed(text: str) -> str:
    return _NOT_WORD.sub(" ", text.lower()).strip()


def keywords(engine, text: str, n: int) -> str:
    """The `n` rarest words of a query, in their order: the query a person would
    type as keywords for the same need (to measure short queries on these sets)."""
    reader = engine.backend.searcher.reader()
    words = []
    for word in text.split():
        stems = [t.text for t in engine.backend.analyzer("text")(word, mode="query")]
        if stems and word not in words:
            df = reader.doc_frequency("text", stems[0])
            if df:
                words.append((df, len(words), word))
    chosen = sorted(sorted(words)[:n], key=lambda w: w[1])
    return " ".join(w for _, _, w in chosen) or text


def run_queries(
    engine,
    col: Collection,
    expand: bool = False,
    depth: int = 1000,
    timed: bool = True,
    short: int = 0,
    fill: bool = False,
):
    """MaxP run: per query, documents by their best paragraph; plus per-query ms.

    The latency is that of what a person runs: `search QUERY` (10 hits, at most 3
    per document, highlighted), not of the 1000-document run the metrics need.
    """
    from search.query.parsing import EmptyQuery

    run: dict[str, dict[str, float]] = {}
    latencies = []
    for qid, text in col.queries.items():
        typed = as_typed(text)
        if short:
            typed = keywords(engine, typed, short)
        try:
            ranked = engine.rank(
                typed,
                limit=depth,
                per_doc=1,
                expand=expand,
                count_more=False,
                partial=True if fill else None,
            )
            if timed:
                started = time.perf_counter()
                engine.search(
                    typed,
                    limit=10,
                    per_doc=3,
                    expand=expand,
                    partial=True if fill else None,
                    dedupe=True,  # as `search` runs it
                )
                latencies.append((time.perf_counter() - started) * 1000)
        except EmptyQuery:
            ranked = None
        scores: dict[str, float] = {}
        if ranked is not None:
            n = len(ranked.rows)
            for i, (_, _, stored, _) in enumerate(ranked.rows):
                # The rank order is the product's (tiers first); express it as a score.
                scores.setdefault(stored["doc_id"], float(n - i))
        run[qid] = scores
    return run, latencies


def evaluate(run, qrels) -> dict[str, float]:
    import pytrec_eval

    evaluator = pytrec_eval.RelevanceEvaluator(qrels, MEASURES)
    per_query = evaluator.evaluate(run)
    return {
        key: statistics.fmean(m[key] for m in per_query.values()) if per_query else 0.0
        for key, _ in LABELS
    }


def make_engine(index_dir: Path, args):
    from whoosh.scoring import BM25F

    from search.engine import ALL_ONLY, Engine
    from search.whoosh.scoring import LuceneBM25

    if args.baseline:
        engine = Engine(index_dir, strategy=ALL_ONLY, weighting=BM25F())
        engine.time_limit = None
        return engine
    weighting = LuceneBM25(args.k1, args.b, delta=args.delta)
    engine = Engine(index_dir, strategy=args.strategy, weighting=weighting)
    # The metrics need whole rankings: the 1 s guard would cut a query short on a busy
    # machine and score it as if the missing documents were not relevant.
    engine.time_limit = None
    engine.drop_function_words = not args.keep_function_words
    if args.proximity is not None:
        engine.proximity = args.proximity
    return engine


def build_parser(description: str | None = __doc__) -> argparse.ArgumentParser:
    """The harness's options (bench/significance.py takes the same)."""
    from search.whoosh.scoring import ALL_FIRST, K1, STRATEGIES, B

    p = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("collections", nargs="*", help=f"default: all of {', '.join(COLLECTIONS)}")
    p.add_argument("--quick", action="store_true", help=f"only {QUICK}")
    p.add_argument("--split", default="test", help="SciFact query split (test or train)")
    p.add_argument("--baseline", action="store_true", help="Whoosh BM25F + AND-then-OR")
    p.add_argument("--strategy", default=ALL_FIRST, choices=(*STRATEGIES, "all-only"))
    p.add_argument("--k1", type=float, default=K1)
    p.add_argument("--b", type=float, default=B)
    p.add_argument("--delta", type=float, default=0.0, help="BM25+ lower bound (0: plain BM25)")
    p.add_argument("--expand", action="store_true", help="pseudo-relevance feedback")
    p.add_argument("--proximity", type=float, default=None, help="word-pair bonus weight")
    p.add_argument(
        "--keep-function-words",
        action="store_true",
        help="do not drop function words from sentence-long queries",
    )
    p.add_argument(
        "--fields", help="bare-word field weights to try, e.g. text=1,title=0.35,heading=0.25"
    )
    p.add_argument(
        "--fill",
        action="store_true",
        help="rank partial matches after the every-word ones for keyword queries too "
        "(what `search --fill` does)",
    )
    p.add_argument(
        "--written", type=float, default=None, help="weight of a bare word's written form"
    )
    p.add_argument("--corpora", type=Path, default=CORPORA)
    p.add_argument("--depth", type=int, default=DEPTH, help="documents ranked per query")
    p.add_argument("--no-latency", action="store_true", help="skip the timed search call")
    p.add_argument(
        "--keywords",
        type=int,
        default=0,
        metavar="N",
        help="ask each query as its N rarest words (short keyword queries)",
    )
    p.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "archive-search-relevance"
    )
    p.add_argument("--json", action="store_true", help="print the figures as JSON too")
    return p


def apply_fields(fields: str | None, written: float | None = None) -> None:
    """`--fields`: try other bare-word field weights (changes SEARCH_FIELDS in place);
    `--written`: another weight for the written form (index.fields.WRITTEN_WEIGHT)."""
    if written is not None:
        from index import fields as index_fields

        index_fields.WRITTEN_WEIGHT = written
    if fields:
        from index.fields import SEARCH_FIELDS

        SEARCH_FIELDS.clear()
        for item in fields.split(","):
            name, weight = item.split("=")
            SEARCH_FIELDS[name] = float(weight)


def collections(args: argparse.Namespace) -> list[str]:
    return [QUICK] if args.quick else (args.collections or list(COLLECTIONS))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    apply_fields(args.fields, args.written)
    names = collections(args)
    refs = references(args.corpora)
    args.cache.mkdir(parents=True, exist_ok=True)
    label = "baseline" if args.baseline else f"{args.strategy} k1={args.k1} b={args.b}"
    label += " +expand" if args.expand else ""
    label += f" delta={args.delta}" if args.delta else ""
    label += " keep-function-words" if args.keep_function_words else ""
    label += f" proximity={args.proximity}" if args.proximity is not None else ""
    label += f" keywords={args.keywords}" if args.keywords else ""
    label += " fill" if args.fill else ""
    label += f" fields={args.fields}" if args.fields else ""
    print(f"# ranking: {label}")
    head = " | ".join(f"{name} (ref)" for _, name in LABELS)
    print(f"| collection | queries | {head} | median ms | p95 ms |")
    print("(ms: one `search QUERY` call - 10 hits, 3 per document, highlighted)")
    print("|---" * (len(LABELS) + 4) + "|")
    results = {}
    for name in names:
        if not (args.corpora / name).exists():
            print(f"| {name} | corpus not found |")
            continue
        col = load(name, args.split, args.corpora)
        index_dir = build_index(col, args.cache)
        with make_engine(index_dir, args) as engine:
            engine.rank("warm up the searcher", limit=1)
            run, ms = run_queries(
                engine,
                col,
                args.expand,
                args.depth,
                not args.no_latency,
                args.keywords,
                args.fill,
            )
        ms = ms or [0.0]
        got = evaluate(run, col.qrels)
        ref = refs.get((name, "0.9/0.4"), {})
        cells = " | ".join(
            f"{got[key]:.4f} ({ref[key]:.4f})" if key in ref else f"{got[key]:.4f}"
            for key, _ in LABELS
        )
        ms.sort()
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        shown = name if args.split == "test" else f"{name} ({args.split})"
        print(
            f"| {shown} | {len(col.queries)} | {cells} | {statistics.median(ms):.1f} | {p95:.1f} |",
            flush=True,
        )
        results[name] = {**got, "median_ms": statistics.median(ms)}
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
