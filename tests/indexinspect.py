"""Read back what is really in a Whoosh index, for assertions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from index.whoosh.storage import open_index


def stored(index_dir: Path) -> list[dict]:
    ix = open_index(index_dir)
    with ix.searcher() as s:
        return [dict(d) for d in s.documents()]


def paragraph_keys(index_dir: Path) -> Counter:
    """(doc_id, paragraph number) -> how many times it is in the index (1 = no duplicate)."""
    return Counter((d["file_key"], d["doc_id"], d["paragraph"]) for d in stored(index_dir))


def texts_of(index_dir: Path, path: str) -> list[str]:
    rows = sorted((d["paragraph"], d["text"]) for d in stored(index_dir) if d["path"] == path)
    return [t for _, t in rows]
