"""The Whoosh index on disk: create, open, and write paragraphs.

Every direct use of Whoosh's index and writer API lives here (the read side's
searcher lives in `search.engine`), so a change of engine stays in two modules.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from index.documents import Document
from index.errors import IndexDamaged, IndexLocked, IndexMissing
from index.schema import SCHEMA_VERSION, build_schema

FORMAT_FILE = "search-index.json"
LOCK_TIMEOUT_SECONDS = 10.0
# Posting buffer per writing process, in MB (Whoosh's `limitmb`; its default is 128).
WRITER_LIMIT_MB = 128
# Paragraphs handed to a parallel worker at a time.
PARALLEL_BATCH = 256


def rebuild_hint(index_dir: Path) -> str:
    return f"rebuild it with: search index --rebuild PATH... --index {index_dir}"


def index_exists(index_dir: Path) -> bool:
    """True when `index_dir` holds an index of ours (it may still be damaged)."""
    return (index_dir / FORMAT_FILE).is_file()


def _check_format(index_dir: Path) -> None:
    try:
        info = json.loads((index_dir / FORMAT_FILE).read_text("utf-8"))
        version = int(info["schema_version"])
    except (OSError, ValueError, KeyError, TypeError):
        raise IndexDamaged(
            f"{index_dir} is not a readable search index; {rebuild_hint(index_dir)}"
        ) from None
    if version != SCHEMA_VERSION:
        raise IndexDamaged(
            f"the index at {index_dir} was built by another version of this tool "
            f"(format {version}, this one reads {SCHEMA_VERSION}); {rebuild_hint(index_dir)}"
        )


def create_index(index_dir: Path):
    """Create an empty index (replacing whatever Whoosh files were there)."""
    from whoosh import index as whoosh_index

    index_dir.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    (index_dir / FORMAT_FILE).write_text(
        json.dumps({"schema_version": SCHEMA_VERSION}) + "\n", "utf-8"
    )
    return ix


def remove_index(index_dir: Path) -> None:
    """Delete an index folder's contents that are ours (used by --rebuild)."""
    if index_dir.is_dir():
        shutil.rmtree(index_dir)


def open_index(index_dir: Path):
    """Open an existing index for reading or writing, with one-line errors."""
    if not index_exists(index_dir):
        raise IndexMissing(
            f"no index at {index_dir}; create it with: search index PATH... --index {index_dir}"
        )
    _check_format(index_dir)
    from whoosh import index as whoosh_index

    try:
        return whoosh_index.open_dir(str(index_dir), schema=build_schema())
    except Exception as exc:  # Whoosh raises many kinds on damaged files
        raise IndexDamaged(
            f"the index at {index_dir} is damaged ({type(exc).__name__}: {exc}); "
            f"{rebuild_hint(index_dir)}"
        ) from None


class ParagraphWriter:
    """Adds and deletes whole files' paragraphs; nothing is visible until commit()."""

    def __init__(self, ix, index_dir: Path, limitmb: int = WRITER_LIMIT_MB, procs: int = 1):
        from whoosh.index import LockError

        # Uncompounded segments let readers map only the parts a query touches (a
        # compound file is copied into memory whole); merges keep them uncompounded.
        # limitmb bounds each process's posting buffer; past it Whoosh spills runs to disk.
        options = dict(timeout=LOCK_TIMEOUT_SECONDS, delay=0.25, compound=False, limitmb=limitmb)
        try:
            if procs > 1:
                from index.parallel import GuardedMpWriter

                self._w = GuardedMpWriter(
                    ix, procs=procs, batchsize=PARALLEL_BATCH, multisegment=True, **options
                )
            else:
                self._w = ix.writer(**options)
        except LockError:
            raise IndexLocked(
                f"another process is writing to the index at {index_dir} "
                f"(waited {LOCK_TIMEOUT_SECONDS:.0f} s); try again when it has finished"
            ) from None

    def delete_file(self, key: str) -> None:
        self._w.delete_by_term("file_key", key)

    def add_document(self, doc: Document, key: str, root_id: str, relpath: str) -> int:
        """Add every paragraph of `doc`; returns how many."""
        common = {
            "file_key": key,
            "root": root_id,
            "doc_id": doc.doc_id,
            "path": relpath,
            "format": doc.format,
            # Only a real title is searchable; a made-up one is shown but not indexed,
            # or every paragraph would match the first paragraph's words.
            "title": doc.title if doc.has_real_title else "",
            "_stored_title": doc.title,
        }
        for name in ("source", "author", "lang"):
            value = getattr(doc, name)
            if value:
                common[name] = value
        if doc.date is not None:
            common["date"] = doc.date
        for p in doc.paragraphs:
            fields = dict(common, paragraph=p.number, text=p.text, heading=p.heading)
            if p.page is not None:
                fields["page"] = p.page
            self._w.add_document(**fields)
        return len(doc.paragraphs)

    def commit(self) -> None:
        self._w.commit()

    def cancel(self) -> None:
        self._w.cancel()
