"""Known-item check: do English queries find their paragraph as well on a mixed archive?

    python bench/known_item.py [--queries 200] [--arabic 3000] [--cache DIR]

Builds two indexes with the product's own indexer (cached in --cache; give each
version of the code its own folder): BBC News alone, and BBC News + the 1,028
German 10kGNAD test articles + the first --arabic SaudiNewsNet articles. Then,
for --queries BBC paragraphs drawn at random (seeded), asks three of the
paragraph's words of middling frequency (in 20 to 2,000 BBC paragraphs, so no
query is one rare name) through `Engine.rank`, as `search` does, and finds the
paragraph's rank on both indexes. A word's rarity counted per language made
English words that also occur in German or Arabic text rarer there, and those
paragraphs rank above the English ones: the mixed index's ranks are then worse.
Prints MRR, success@1/@10 for both and how many queries rank their paragraph
lower on the mixed one; then, for a few one-word queries, how many of the top
ten hits on the mixed index are not English.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import lzma
import random
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.corpora import BBC, CORPORA  # noqa: E402

DEPTH = 100
WORDS = 3
ONE_WORD = ("oil", "said", "economy", "government", "privatization", "market", "bank")
_WORD = re.compile(r"[a-z]{4,}")


def build(folder: Path, files: list[Path]) -> Path:
    from index.indexer import index_paths

    out = folder / "index"
    if not (out / "search-index.json").exists():
        index_paths(files, out, rebuild=True)
    return out


def other_languages(folder: Path, corpora: Path, arabic: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    de, ar = folder / "de.jsonl", folder / "ar.jsonl"
    if not de.exists():
        src = corpora / "de_10kgnad_test" / "de_10kgnad_test.jsonl.gz"
        with gzip.open(src, "rt", encoding="utf-8") as fh:
            de.write_text("".join(fh), "utf-8")
    if not ar.exists():
        src = corpora / "ar_saudinewsnet" / "ar_saudinewsnet.jsonl.xz"
        with lzma.open(src, "rt", encoding="utf-8") as fh:
            ar.write_text("".join(itertools.islice(fh, arabic)), "utf-8")
    return [de, ar]


def queries(engine, n: int, seed: int = 16) -> list[tuple[str, tuple[str, int]]]:
    """(query, (doc_id, paragraph)) for `n` BBC paragraphs with enough middling words."""
    reader = engine.backend.searcher.reader()
    paragraphs = [
        (f.get("doc_id", ""), int(f.get("paragraph", 0)), f.get("text", ""))
        for f in reader.all_stored_fields()
    ]
    df: Counter[str] = Counter()
    for _, _, text in paragraphs:
        df.update(set(_WORD.findall(text.lower())))
    rng = random.Random(seed)
    rng.shuffle(paragraphs)
    found = []
    for doc_id, number, text in paragraphs:
        words = sorted({w for w in _WORD.findall(text.lower()) if 20 <= df[w] <= 2000})
        if len(words) < WORDS:
            continue
        found.append((" ".join(rng.sample(words, WORDS)), (doc_id, number)))
        if len(found) == n:
            break
    return found


def rank_of(engine, query: str, target: tuple[str, int]) -> int | None:
    ranked = engine.rank(query, DEPTH)
    for i, (_, _, f, _) in enumerate(ranked.rows, 1):
        if (f.get("doc_id", ""), int(f.get("paragraph", 0))) == target:
            return i
    return None


def summary(ranks: list[int | None]) -> str:
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    at1 = sum(1 for r in ranks if r == 1) / len(ranks)
    at10 = sum(1 for r in ranks if r and r <= 10) / len(ranks)
    return f"MRR@{DEPTH} {mrr:.4f}, success@1 {at1:.3f}, success@10 {at10:.3f}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--arabic", type=int, default=3000)
    p.add_argument("--corpora", type=Path, default=CORPORA)
    p.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bench-known-item")
    args = p.parse_args()
    from search.engine import Engine

    alone_dir = build(args.cache / "bbc", [BBC])
    mixed_dir = build(
        args.cache / "mixed",
        [BBC, *other_languages(args.cache / "docs", args.corpora, args.arabic)],
    )
    with Engine(alone_dir) as alone, Engine(mixed_dir) as mixed:
        alone.time_limit = mixed.time_limit = None  # as the relevance harness: no 1 s guard
        print(
            f"BBC alone: {alone.paragraph_count():,} paragraphs; mixed: {mixed.paragraph_count():,}"
        )
        asked = queries(alone, args.queries)
        on_alone = [rank_of(alone, q, t) for q, t in asked]
        on_mixed = [rank_of(mixed, q, t) for q, t in asked]
        worse = sum(
            1 for a, m in zip(on_alone, on_mixed, strict=True) if (m or 10**6) > (a or 10**6)
        )
        better = sum(
            1 for a, m in zip(on_alone, on_mixed, strict=True) if (m or 10**6) < (a or 10**6)
        )
        print(f"{len(asked)} known-item queries of {WORDS} words, e.g. {asked[0][0]!r}")
        print(f"  BBC alone: {summary(on_alone)}")
        print(f"  mixed:     {summary(on_mixed)}")
        print(f"  paragraph ranked lower on the mixed index: {worse}; higher: {better}")
        print("one-word queries on the mixed index: non-English hits in the top 10 (first hit)")
        for word in ONE_WORD:
            hits = mixed.search(word, limit=10, suggest=False).hits
            foreign = [h for h in hits if h.lang not in ("en", "")]
            first = f"{hits[0].lang}: {hits[0].text[:60]!r}" if hits else "-"
            print(f"  {word}: {len(foreign)} of {len(hits)} ({first})")


if __name__ == "__main__":
    main()
