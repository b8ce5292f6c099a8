"""Indexing throughput on real corpora, each run in a fresh child process.

    python bench/index_corpus.py [--corpora DIR] [--only bbc|reuters] [--compare CHECKOUT]

BBC: the 2,225 articles written out as .txt files (title line, blank line,
paragraphs separated by blank lines; sport/199 in Latin-1 as in the original
release) in a temporary folder, then indexed from the folder, as `search index`
does it (procs chosen as the CLI does: both cores for a folder this size), beside
the floor: a bare raw-Whoosh `procs=2` loop over the same files with the same
schema and analyzer (bench.baselines.build_raw_folder: the product's readers,
one writer, one commit; no hashing, manifest, language detection or batches). Reuters-21578:
indexed straight from its .jsonl.gz. For each: documents, paragraphs, seconds,
paragraphs/second and peak memory (the child's own ru_maxrss), next to baselines
measured in the same run: reading and chunking alone (no index), a second run
over the unchanged files (content hashes only), and with --compare CHECKOUT the
same indexing done by another checkout's code (e.g. /work/main).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = Path(os.environ.get("SEARCH_CORPORA", REPO.parent / "shared" / "corpora"))

# Runs in the child: one job, then a JSON line with counts, seconds and peak memory.
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
job, target, index_dir = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
started = time.perf_counter()
if job == "raw":
    from bench.baselines import build_raw_folder
    docs, paragraphs = build_raw_folder(target, index_dir, 2)
elif job == "read":
    from bench.baselines import folder_documents
    docs = paragraphs = 0
    for _found, doc in folder_documents(target):
        docs += 1
        paragraphs += len(doc.paragraphs)
else:
    from index.indexer import index_paths
    report = index_paths([target], index_dir, procs=None)  # the CLI's default
    assert not report.errors, report.errors[:3]
    docs, paragraphs = report.documents, report.paragraphs
    unchanged = report.unchanged
seconds = time.perf_counter() - started
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"job": job, "documents": docs, "paragraphs": paragraphs,
                  "seconds": seconds, "peak_mib": peak_mib,
                  "unchanged": locals().get("unchanged", 0)}))
"""


def run_child(job: str, target: Path, index_dir: Path, repo: Path = REPO) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(repo), job, str(target), str(index_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_bbc(jsonl: Path, folder: Path) -> int:
    """One .txt per article, laid out like the original release."""
    count = 0
    with open(jsonl, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            path = folder / f"{record['id']}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            body = f"{record['title']}\n\n{record['text']}\n"
            encoding = "latin-1" if record["id"] == "sport/199" else "utf-8"
            path.write_bytes(body.encode(encoding, errors="replace"))
            count += 1
    return count


def report(name: str, rows: list[dict]) -> None:
    print(f"\n{name}")
    columns = f"{'documents':>10}{'paragraphs':>12}{'seconds':>9}{'para/s':>9}{'peak MiB':>10}"
    print(f"  {'run':<22}{columns}")
    for label, row in rows:
        rate = row["paragraphs"] / row["seconds"] if row["seconds"] and row["paragraphs"] else 0
        print(
            f"  {label:<22}{row['documents']:>10,}{row['paragraphs']:>12,}"
            f"{row['seconds']:>9.2f}{rate:>9,.0f}{row['peak_mib']:>10,.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--only", choices=("bbc", "reuters"))
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="CHECKOUT",
        help="also index with the code of another checkout (e.g. main) as a baseline",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        tmp = Path(tmp)
        if args.only in (None, "bbc"):
            folder = tmp / "bbc"
            files = write_bbc(args.corpora / "bbc_news" / "bbc_news.jsonl", folder)
            print(f"BBC written out as {files:,} .txt files under {folder}")
            rows = [
                ("read + chunk only", run_child("read", folder, tmp / "unused")),
                ("raw Whoosh p2 loop", run_child("raw", folder, tmp / "bbc-raw")),
                ("index (fresh)", run_child("index", folder, tmp / "bbc-index")),
                ("index again (no change)", run_child("index", folder, tmp / "bbc-index")),
            ]
            if args.compare:
                rows.append(
                    (
                        f"index with {args.compare.name}",
                        run_child("index", folder, tmp / "bbc-base", args.compare),
                    )
                )
            report("BBC, 2,225 .txt files", rows)
            raw, ours = rows[1][1], rows[2][1]
            print(f"  ours/raw p2 loop: {raw['seconds'] / ours['seconds']:.2f}x the speed")
        if args.only in (None, "reuters"):
            source = args.corpora / "reuters21578" / "reuters21578.jsonl.gz"
            rows = [
                ("read + chunk only", run_child("read", source, tmp / "unused")),
                ("index (fresh)", run_child("index", source, tmp / "reuters-index")),
                ("index again (no change)", run_child("index", source, tmp / "reuters-index")),
            ]
            if args.compare:
                rows.append(
                    (
                        f"index with {args.compare.name}",
                        run_child("index", source, tmp / "reuters-base", args.compare),
                    )
                )
            report("Reuters-21578 from JSONL (.jsonl.gz)", rows)


if __name__ == "__main__":
    main()
