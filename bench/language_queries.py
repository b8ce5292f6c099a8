"""Real Arabic and German queries with their top hits (for the README and notes).

    python bench/language_queries.py [--arabic N] [--corpora DIR]

Indexes the first N SaudiNewsNet articles (default 3,000 of 31,030; the file is
large) and all 1,028 10kGNAD test articles into a temporary index, with their
language keys removed so detection is exercised, then prints each query's total
and top three hits.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import lzma
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_CORPORA = Path(os.environ.get("SEARCH_CORPORA", REPO.parent / "shared" / "corpora"))

QUERIES = [
    ("ar", "وزارة الصحة", "the ministry of health"),
    ("ar", "اسعار النفط", "oil prices (written without hamza)"),
    ("ar", "الطلاب والمدارس", "students and schools"),
    ("de", "Flüchtlinge", "refugees"),
    ("de", "Arbeitslosigkeit steigt", "unemployment rises"),
    ("de", "Fussball Nationalmannschaft", "football national team (ß written as ss)"),
]


def copy_unlabelled(lines, out: Path, limit: int | None) -> int:
    count = 0
    with open(out, "w", encoding="utf-8") as fh:
        for line in itertools.islice(lines, limit):
            record = json.loads(line)
            record.pop("language", None)
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--arabic", type=int, default=3000)
    args = parser.parse_args()
    from index.indexer import index_paths
    from search.display.fragments import fragment
    from search.engine import Engine

    with tempfile.TemporaryDirectory(prefix="bench-lang-") as tmp:
        tmp = Path(tmp)
        folder = tmp / "docs"
        folder.mkdir()
        ar = args.corpora / "ar_saudinewsnet" / "ar_saudinewsnet.jsonl.xz"
        de = args.corpora / "de_10kgnad_test" / "de_10kgnad_test.jsonl.gz"
        with lzma.open(ar, "rt", encoding="utf-8") as fh:
            n_ar = copy_unlabelled(fh, folder / "ar.jsonl", args.arabic)
        with gzip.open(de, "rt", encoding="utf-8") as fh:
            n_de = copy_unlabelled(fh, folder / "de.jsonl", None)
        started = time.perf_counter()
        report = index_paths([folder], tmp / "index")
        print(
            f"indexed {n_ar:,} Arabic + {n_de:,} German articles: {report.documents:,} documents, "
            f"{report.paragraphs:,} paragraphs in {time.perf_counter() - started:.1f} s"
        )
        with Engine(tmp / "index") as engine:
            for lang, query, meaning in QUERIES:
                result = engine.search(query, limit=3)
                langs = {h.lang for h in result.hits}
                print(f"\n[{lang}] {query}  ({meaning}): {result.total:,} paragraphs, {langs}")
                for hit in result.hits:
                    text, spans = fragment(hit.text, hit.highlights, width=160)
                    lit = ", ".join(sorted({text[s:e] for s, e in spans}))
                    print(f"  {hit.rank}. {hit.doc_id} · {hit.title[:70]}")
                    print(f"     {text}")
                    print(f"     highlighted: {lit}")


if __name__ == "__main__":
    main()
