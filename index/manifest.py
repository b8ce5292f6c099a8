"""Incremental bookkeeping: which files are in the index, and with what content.

Kept in SQLite beside the Whoosh files. The manifest is only ever updated *after*
the Whoosh commit it describes, so after a crash it can lag the index but never
run ahead of it: a lagging entry only makes the next run redo that file, and since
a file's paragraphs are always deleted before they are re-added, redoing it can
never duplicate a paragraph.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS roots (
    id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE, seeds INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS files (
    file_key TEXT PRIMARY KEY, root_id TEXT NOT NULL, relpath TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, digest TEXT NOT NULL,
    documents INTEGER NOT NULL, paragraphs INTEGER NOT NULL, indexed_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS files_by_root ON files (root_id, relpath);
"""


def root_id_for(path: Path) -> str:
    """A short stable id for a root folder, so paragraphs never store absolute paths."""
    return hashlib.sha1(str(path).encode("utf-8", "surrogateescape")).hexdigest()[:10]


def file_key(root_id: str, relpath: str) -> str:
    """The file's id in the index and the manifest. A name that is not UTF-8 is
    spelled with its bad bytes as \\xNN (valid text, unlike its surrogate escapes, and
    unlike U+FFFD it keeps "caf\\xe9" and "caf\\xe8" apart)."""
    return f"{root_id}/{os.fsencode(relpath).decode('utf-8', 'backslashreplace')}"


def _to_db(name: str) -> str | bytes:
    """A path as SQLite can hold it: text, or the raw bytes of a name that is not
    UTF-8 (its surrogate escapes cannot be encoded)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name)
    return name


def _from_db(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


# Raised whenever the readers or the chunker make different paragraphs of the same
# bytes; it is hashed into every file's digest, so the next `search index` re-reads
# files indexed under older rules instead of skipping them as unchanged.
# 2: a blank line inside a sentence no longer splits it (index/chunking.py); words
#    are NFKC-normalised (index/analysis.py: `ﬁnance` is `finance`); control
#    characters other than whitespace are dropped from paragraphs, titles and headings.
PARAGRAPH_RULES = 2


def file_digest(path: Path) -> str:
    """Content hash (and PARAGRAPH_RULES): a touched file keeps its digest, an edited
    one never does, nor one indexed under older rules."""
    h = hashlib.blake2b(digest_size=16)
    if PARAGRAPH_RULES > 1:  # rules 1 hashed the content alone
        h.update(f"paragraph rules {PARAGRAPH_RULES}\n".encode())
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Root:
    """A folder given to `search index`; `seeds`: the bundled sample documents."""

    id: str
    path: Path
    seeds: bool


@dataclass(frozen=True)
class FileEntry:
    """One indexed file: where it is, its content digest, what it gave the index."""

    file_key: str
    root_id: str
    relpath: str
    digest: str
    documents: int
    paragraphs: int


class Manifest:
    """A thin wrapper over the SQLite file; every method commits its own change."""

    def __init__(self, index_dir: Path):
        import sqlite3  # here, not at the top: the query path imports MANIFEST_NAME only

        self.db = sqlite3.connect(index_dir / MANIFEST_NAME, timeout=30)
        # WAL stays set in the file; asking again takes a lock SQLite may refuse at
        # once ("database is locked") while another process is opening it too.
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # meta
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # roots
    def roots(self) -> list[Root]:
        rows = self.db.execute("SELECT id, path, seeds FROM roots ORDER BY path")
        return [Root(r[0], Path(_from_db(r[1])), bool(r[2])) for r in rows]

    def add_root(self, path: Path, seeds: bool = False) -> Root:
        root = Root(root_id_for(path), path, seeds)
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO roots VALUES (?, ?, ?)",
                (root.id, _to_db(str(path)), int(seeds)),
            )
        return root

    def remove_root(self, root_id: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM roots WHERE id = ?", (root_id,))

    # files
    def files(self, root_id: str | None = None) -> dict[str, FileEntry]:
        sql = "SELECT file_key, root_id, relpath, digest, documents, paragraphs FROM files"
        rows = (
            self.db.execute(sql + " WHERE root_id = ?", (root_id,))
            if root_id
            else self.db.execute(sql)
        )
        return {r[0]: FileEntry(r[0], r[1], _from_db(r[2]), *r[3:]) for r in rows}

    def record(self, entries: list[tuple[FileEntry, int, int]]) -> None:
        """Store (entry, size, mtime_ns) for files whose paragraphs were just committed."""
        now = time.time()
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.file_key,
                        e.root_id,
                        _to_db(e.relpath),
                        size,
                        mtime,
                        e.digest,
                        e.documents,
                        e.paragraphs,
                        now,
                    )
                    for e, size, mtime in entries
                ],
            )

    def forget(self, file_keys: list[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM files WHERE file_key = ?", [(k,) for k in file_keys])

    def totals(self) -> tuple[int, int, int]:
        """(files, documents, paragraphs) as last committed."""
        row = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(documents), 0), COALESCE(SUM(paragraphs), 0) FROM files"
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])
