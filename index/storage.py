"""The Whoosh index on disk: create, open, and write paragraphs.

Every direct use of Whoosh's index and writer API lives here (the read side's
searcher lives in `search.engine`), so a change of engine stays in two modules.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from index.documents import Document
from index.errors import IndexDamaged, IndexLocked, IndexMissing, SearchToolError
from index.languages import ENGLISH, analysis_language
from index.manifest import MANIFEST_NAME
from index.schema import SCHEMA_VERSION, build_schema, field_for

FORMAT_FILE = "search-index.json"
LOCK_TIMEOUT_SECONDS = 10.0


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


def create_index(index_dir: Path, replacing: bool = False):
    """Create an empty index. A folder holding other files is refused unless it held
    an index of ours a moment ago (`replacing`, for --rebuild)."""
    from whoosh import index as whoosh_index

    index_dir.mkdir(parents=True, exist_ok=True)
    if not replacing and not index_exists(index_dir) and any(index_dir.iterdir()):
        raise SearchToolError(
            f"{index_dir} is not empty and is not a search index; choose an empty or new folder"
        )
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    (index_dir / FORMAT_FILE).write_text(
        json.dumps({"schema_version": SCHEMA_VERSION}) + "\n", "utf-8"
    )
    return ix


def _is_ours(name: str) -> bool:
    """Files this tool and Whoosh put in an index folder (nothing else is ever deleted)."""
    return (
        name in (FORMAT_FILE, MANIFEST_NAME)
        or name.startswith((MANIFEST_NAME + "-", "MAIN_", "_MAIN_"))
        or name.endswith(".tmp")
    )


def remove_index(index_dir: Path) -> None:
    """Delete an index's files (used by --rebuild), never anything else in the folder."""
    if not index_exists(index_dir):
        return
    for entry in index_dir.iterdir():
        if entry.is_dir() and entry.name.endswith(".tmp"):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_file() and _is_ours(entry.name):
            entry.unlink()


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

    def __init__(self, ix, index_dir: Path, limitmb: int = 256):
        from whoosh.index import LockError

        try:
            # Uncompounded segments let readers map only the parts a query touches.
            self._w = ix.writer(
                timeout=LOCK_TIMEOUT_SECONDS, delay=0.25, compound=False, limitmb=limitmb
            )
        except LockError:
            raise IndexLocked(
                f"another process is writing to the index at {index_dir} "
                f"(waited {LOCK_TIMEOUT_SECONDS:.0f} s); try again when it has finished"
            ) from None

    def delete_file(self, key: str) -> None:
        self._w.delete_by_term("file_key", key)

    def add_document(self, doc: Document, key: str, root_id: str, relpath: str) -> int:
        """Add every paragraph of `doc`; returns how many.

        Text, title and heading are indexed in the fields of the document's analysis
        language and stored in the English-named fields (see index.schema).
        """
        lang = analysis_language(doc.lang)
        # Only a real title is searchable; a made-up one is shown but not indexed,
        # or every paragraph would match the first paragraph's words.
        common = {
            "file_key": key,
            "root": root_id,
            "doc_id": doc.doc_id,
            "path": relpath,
            "format": doc.format,
            **_localised("title", doc.title if doc.has_real_title else "", lang),
            "_stored_title": doc.title,
        }
        for name in ("source", "author", "lang"):
            value = getattr(doc, name)
            if value:
                common[name] = value
        if doc.tags:
            common["tags"] = ",".join(doc.tags)
        if doc.date is not None:
            common["date"] = doc.date
        for p in doc.paragraphs:
            fields = dict(
                common,
                paragraph=p.number,
                **_localised("text", p.text, lang),
                **_localised("heading", p.heading, lang),
            )
            if p.page is not None:
                fields["page"] = p.page
            self._w.add_document(**fields)
        return len(doc.paragraphs)

    def commit(self) -> None:
        self._w.commit()

    def cancel(self) -> None:
        self._w.cancel()


def _localised(base: str, value: str, lang: str) -> dict[str, str]:
    """Whoosh fields for `value`: indexed under `lang`'s field, stored under `base`."""
    if lang == ENGLISH:
        return {base: value}
    return {field_for(base, lang): value, base: "", f"_stored_{base}": value}
