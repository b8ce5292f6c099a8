"""Benchmark corpora: S, M and L from the shared corpora, and a tiny Q for --quick.

S = BBC News (~10.5k paragraphs), M = BBC + Reuters-21578, L = M replicated 10x
with distinct ids (written once to the cache folder), Q = the first 40 BBC
articles (for the test suite's smoke run). Every engine reads the same files
through the product's own JSON Lines reader, so all of them index the same
paragraphs.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _find_corpora() -> Path:
    """$SEARCH_CORPORA, else the nearest `shared/corpora` beside the checkout or above it."""
    if os.environ.get("SEARCH_CORPORA"):
        return Path(os.environ["SEARCH_CORPORA"])
    for parent in REPO.parents:
        if (parent / "shared" / "corpora").is_dir():
            return parent / "shared" / "corpora"
    return REPO.parent / "shared" / "corpora"


CORPORA = _find_corpora()
CACHE = Path(os.environ.get("BENCH_CACHE", "/tmp/archive-search-bench"))
BBC = CORPORA / "bbc_news" / "bbc_news.jsonl"
REUTERS = CORPORA / "reuters21578" / "reuters21578.jsonl.gz"
SIZES = ("Q", "S", "M", "L")
L_COPIES = 10
Q_ARTICLES = 40


class CorpusMissing(RuntimeError):
    pass


def _require(path: Path) -> Path:
    if not path.exists():
        raise CorpusMissing(f"corpus file {path} not found (set SEARCH_CORPORA)")
    return path


def _lines(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        yield from fh


def corpus_files(size: str) -> list[Path]:
    """The JSON Lines files that make up corpus `size` (generated ones are cached)."""
    if size == "S":
        return [_require(BBC)]
    if size == "M":
        return [_require(BBC), _require(REUTERS)]
    if size == "Q":
        out = CACHE / "corpus-Q" / "bbc_head.jsonl"
        if not out.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            lines = [
                line for _, line in zip(range(Q_ARTICLES), _lines(_require(BBC)), strict=False)
            ]
            tmp = out.with_suffix(".part")
            tmp.write_text("".join(lines), "utf-8")
            tmp.replace(out)
        return [out]
    if size == "L":
        folder = CACHE / "corpus-L"
        files = [
            folder / f"copy{k:02d}-{src.stem}.jsonl"
            for k in range(L_COPIES)
            for src in (BBC, REUTERS)
        ]
        if not all(f.exists() for f in files):
            folder.mkdir(parents=True, exist_ok=True)
            for k in range(L_COPIES):
                for src in (BBC, REUTERS):
                    out = folder / f"copy{k:02d}-{src.stem}.jsonl"
                    tmp = out.with_suffix(".part")
                    with open(tmp, "w", encoding="utf-8") as fh:
                        for line in _lines(_require(src)):
                            if not line.strip():
                                continue
                            record = json.loads(line)
                            record["id"] = f"{record.get('id')}~{k}"
                            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                    tmp.replace(out)
        return files
    raise ValueError(f"unknown corpus size {size!r} (one of {', '.join(SIZES)})")
