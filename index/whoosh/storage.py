"""The Whoosh index on disk: create, open, and write paragraphs.

Every direct use of Whoosh's index and writer API lives here (the read side's
searcher lives in `search.engine`), so a change of engine stays in two modules.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from index.documents import Document
from index.errors import (
    IndexDamaged,
    IndexLocked,
    IndexMissing,
    IndexOutdated,
    IndexWriteFailed,
    SearchToolError,
)
from index.fields import WRITTEN_FIELD, field_for
from index.languages import ENGLISH, analysis_language
from index.locations import chosen_index_dir
from index.locking import INFO_NAME, LOCK_NAME, write_atomic
from index.manifest import MANIFEST_NAME
from index.store import ParagraphStore
from index.whoosh.safe_toc import UnsafeToc
from index.whoosh.safe_toc import install as install_safe_toc
from index.whoosh.schema import SCHEMA_VERSION, build_schema, folded_text

FORMAT_FILE = "search-index.json"
# What the last commit wrote: the TOC's digest and every segment file's size, so a
# truncated or deleted file is caught when the index opens, not halfway through a query.
COMMIT_FILE = "search-index.commit.json"
LOCK_TIMEOUT_SECONDS = 10.0
INDEX_NAME = "MAIN"  # Whoosh's default index name: files are MAIN_*.toc, MAIN_<segment>.*
WHOOSH_LOCK = f"{INDEX_NAME}_WRITELOCK"
# Posting buffer per writing process, in MB (Whoosh's `limitmb`; its default is 128).
WRITER_LIMIT_MB = 128
# Paragraphs handed to a parallel worker at a time.
PARALLEL_BATCH = 256


def rebuild_hint(index_dir: Path) -> str:
    """How to rebuild this index from the folders it holds (`--index` only if needed)."""
    chosen, _ = chosen_index_dir(None)
    where = "" if Path(index_dir) == chosen else f" --index {index_dir}"
    return f"rebuild it with: search index --rebuild{where}"


# The format file's content while an index is being created or cleared: the folder
# is ours (its Whoosh files may be removed) but holds no index yet.
CREATING = "creating"


def _marker(index_dir: Path) -> dict | None:
    """Our marker file's content; None when there is none (the folder is not ours)."""
    try:
        info = json.loads((index_dir / FORMAT_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def index_exists(index_dir: Path) -> bool:
    """True when `index_dir` holds an index of ours (it may still be damaged)."""
    marker = _marker(Path(index_dir))
    return marker is not None and marker.get("state") != CREATING


def marked_ours(index_dir: Path) -> bool:
    """True when our marker file says the folder is ours, complete or not. Whoosh's
    file names never do: another program's Whoosh index has them too."""
    return _marker(Path(index_dir)) is not None


def _mark_creating(index_dir: Path) -> None:
    write_atomic(
        index_dir / FORMAT_FILE,
        json.dumps({"schema_version": SCHEMA_VERSION, "state": CREATING}) + "\n",
    )


def damaged(index_dir: Path, what: str) -> IndexDamaged:
    """The one-line error for an index that cannot be used as it is."""
    return IndexDamaged(f"the index at {index_dir} is damaged ({what}); {rebuild_hint(index_dir)}")


def _check_format(index_dir: Path) -> None:
    try:
        info = json.loads((index_dir / FORMAT_FILE).read_text("utf-8"))
        version = int(info["schema_version"])
    except (OSError, ValueError, KeyError, TypeError):
        raise IndexDamaged(
            f"{index_dir} is not a readable search index; {rebuild_hint(index_dir)}"
        ) from None
    if version != SCHEMA_VERSION:
        raise IndexOutdated(
            f"the index at {index_dir} was built by another version of this tool "
            f"(format {version}, this one reads {SCHEMA_VERSION}); {rebuild_hint(index_dir)}"
        )


def create_index(index_dir: Path):
    """Create an empty index, first clearing what a killed create or rebuild left.

    Without the format file nothing here is a usable index; a stale manifest in
    particular would call files "unchanged" that the new index does not hold.
    """
    from whoosh import index as whoosh_index

    install_safe_toc()
    index_dir.mkdir(parents=True, exist_ok=True)
    try:
        remove_index(index_dir)
        _mark_creating(index_dir)
        ix = whoosh_index.create_in(str(index_dir), build_schema())
        record_commit(ix, index_dir)
        # Written last and atomically: a folder with this file is a whole, empty index.
        write_atomic(index_dir / FORMAT_FILE, json.dumps({"schema_version": SCHEMA_VERSION}) + "\n")
    except OSError as exc:
        raise IndexWriteFailed(
            f"could not create the index at {index_dir}: {exc.strerror or exc}"
        ) from None
    return ix


def refuse_foreign_folder(index_dir: Path) -> None:
    """Never turn a folder of someone's files into an index (a mistyped --index ~/Documents)."""
    if not Path(os.path.abspath(index_dir)).name:  # `/`: no folder can be put beside it
        raise SearchToolError(f"{index_dir} cannot be an index folder; choose an empty or new one")
    if not index_dir.is_dir() or marked_ours(index_dir):
        return
    # Without our marker every file is a stranger's, Whoosh's MAIN_* files too
    # (another program's index); only our own lock files may be there already.
    strangers = [e.name for e in index_dir.iterdir() if e.name not in (LOCK_NAME, INFO_NAME)]
    if strangers:
        raise SearchToolError(
            f"{index_dir} is not empty and is not a search index; choose an empty or new folder"
        )


def ours(name: str) -> bool:
    """True for the files an index of ours consists of (never a stranger's files)."""
    return (
        name.startswith((f"{INDEX_NAME}_", f"_{INDEX_NAME}_", MANIFEST_NAME, "search-index."))
        or name == f"{INDEX_NAME}.tmp"
        or (name.startswith(".") and name.endswith(".tmp"))
    )


def remove_index(index_dir: Path) -> None:
    """Delete an index's files (used by --rebuild), keeping the indexer lock the caller
    holds. The marker first says "creating", so a kill part-way leaves no index
    rather than a damaged one, in a folder still known to be ours; files that are
    not ours are left alone, and nothing at all goes from a folder without our marker."""
    if not index_dir.is_dir() or not marked_ours(index_dir):
        return
    _mark_creating(index_dir)
    for entry in index_dir.iterdir():
        # Lock files stay: a new inode would not be locked by whoever holds the old one.
        if not ours(entry.name) or entry.name in (LOCK_NAME, INFO_NAME, WHOOSH_LOCK, FORMAT_FILE):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink(missing_ok=True)


def clear_leftovers(index_dir: Path) -> list[str]:
    """Remove what a killed or failed writer left: Whoosh's temp folder, unrenamed TOC
    files and segment files no TOC refers to (after a full disk they hold the space
    the next run needs; Whoosh itself would delete them only at its next commit).

    Only safe while holding the indexer lock (no writer of ours is running).
    """
    from whoosh.index import TOC

    install_safe_toc()
    live = None
    if index_exists(index_dir):
        with contextlib.suppress(Exception):
            from whoosh.filedb.filestore import FileStorage

            toc = TOC.read(FileStorage(str(index_dir)), INDEX_NAME, schema=build_schema())
            live = {seg.segment_id() for seg in toc.segments}
    segment = TOC._segment_pattern(INDEX_NAME)
    removed = []
    for entry in index_dir.iterdir():
        name = entry.name
        match = segment.match(name)
        if live is not None and match and match.group(1) not in live and entry.is_file():
            entry.unlink(missing_ok=True)
        elif name == f"{INDEX_NAME}.tmp" and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif (name.startswith(f"_{INDEX_NAME}_") and ".toc." in name) or (
            name.startswith(".") and name.endswith(".tmp")  # our own atomic writes
        ):
            entry.unlink(missing_ok=True)
        else:
            continue
        removed.append(name)
    return removed


def _digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def record_commit(ix, index_dir: Path) -> None:
    """Note the TOC digest and segment file sizes of the commit just made.

    Best effort: when it cannot be written the old record no longer matches the
    TOC's generation and is ignored, so a failure here can never make an index
    look damaged.
    """
    from whoosh.index import TOC

    try:
        toc = ix._read_toc()
        toc_name = TOC._filename(ix.indexname, toc.generation)
        live = {seg.segment_id() for seg in toc.segments}
        files = {}
        for name in os.listdir(index_dir):
            stem = name.split(".", 1)[0]
            if stem in live:
                files[name] = (index_dir / name).stat().st_size
        record = {
            "generation": toc.generation,
            "toc": toc_name,
            "toc_digest": _digest(index_dir / toc_name),
            "files": files,
        }
        write_atomic(index_dir / COMMIT_FILE, json.dumps(record, sort_keys=True) + "\n")
    except Exception:
        with contextlib.suppress(OSError):
            (index_dir / COMMIT_FILE).unlink()


def ensure_commit_record(ix, index_dir: Path) -> None:
    """Make sure the next open can check the files, verifying them once if it cannot.

    The record is missing or behind after a crash between a commit and its record
    (or in an index from before records): then read everything once, and record it.
    """
    try:
        record = json.loads((index_dir / COMMIT_FILE).read_text("utf-8"))
        if record.get("generation") == ix.latest_generation():
            return
    except (OSError, ValueError, AttributeError):
        pass
    verify_index(index_dir, deep=False)
    record_commit(ix, index_dir)


def _check_commit(index_dir: Path, generation: int) -> None:
    """Compare the files on disk with the record of the last commit (when it is current)."""
    try:
        record = json.loads((index_dir / COMMIT_FILE).read_text("utf-8"))
        if record.get("generation") != generation:
            return  # written by an earlier commit (a crash came between): nothing to compare
        toc_name, toc_digest, files = record["toc"], record["toc_digest"], record["files"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return
    for name, size in sorted(files.items()):
        try:
            actual = (index_dir / name).stat().st_size
        except FileNotFoundError:
            raise damaged(index_dir, f"segment file {name} is missing") from None
        except OSError as exc:
            raise damaged(index_dir, f"segment file {name}: {exc.strerror}") from None
        if actual != size:
            raise damaged(
                index_dir, f"segment file {name} has {actual:,} bytes, {size:,} were written"
            )
    try:
        if _digest(index_dir / toc_name) != toc_digest:
            raise damaged(index_dir, f"its table of contents {toc_name} was altered")
    except OSError:
        pass  # replaced by a newer commit since we looked; Whoosh read a valid one


def _check_schema(stored, expected) -> None:
    """Raise ValueError when the schema pickled in the TOC is not the one we write."""
    if sorted(stored.names()) != sorted(expected.names()):
        raise ValueError("fields " + ", ".join(sorted(set(stored.names()) ^ set(expected.names()))))
    for name in expected.names():
        if type(stored[name]) is not type(expected[name]):
            raise ValueError(f"field {name} is a {type(stored[name]).__name__}")


def open_index(index_dir: Path):
    """Open an existing index for reading or writing, with one-line errors.

    A commit by a running indexer can replace the TOC and delete the files of
    merged segments while we read them, and a rebuild can swap the whole folder;
    such a failure is retried on the newer generation or folder, and only a failure
    on an unchanging one counts as damage.
    """
    if not index_exists(index_dir):
        raise IndexMissing(
            f"no index at {index_dir}; create it with: search index PATH... --index {index_dir}"
        )
    _check_format(index_dir)
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    install_safe_toc()  # a crafted TOC is a damaged index, never code that runs

    storage = FileStorage(str(index_dir))
    for attempt in range(10):
        seen = folder_identity(index_dir), TOC._latest_generation(storage, INDEX_NAME)
        try:
            return _open_generation(index_dir, storage)
        except IndexDamaged:
            now = folder_identity(index_dir), TOC._latest_generation(storage, INDEX_NAME)
            if now == seen or attempt == 9:
                raise
            time.sleep(0.02)
    raise AssertionError("unreachable")


def folder_identity(index_dir: Path) -> tuple[int, int] | None:
    """(device, inode) of the index folder: a rebuild puts a new folder in the old
    one's place, whose commits may carry the same generation numbers."""
    try:
        st = os.stat(index_dir)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _open_generation(index_dir: Path, storage):
    from whoosh.index import TOC

    schema = build_schema()
    try:
        ix = _steady_index_class()(storage, schema=schema, indexname=INDEX_NAME)
        toc = ix._read_toc()
    except Exception as exc:  # Whoosh raises many kinds on damaged files
        raise damaged(index_dir, _short(exc)) from None
    try:
        stored = TOC.read(storage, INDEX_NAME).schema  # this one unpickles the schema
        _check_schema(stored, schema)
    except (FileNotFoundError, UnsafeToc) as exc:  # a newer commit replaced it; a crafted one
        raise damaged(index_dir, _short(exc)) from None
    except Exception as exc:
        raise IndexDamaged(
            f"the index at {index_dir} was built with a different schema ({_short(exc)}); "
            f"{rebuild_hint(index_dir)}"
        ) from None
    _check_commit(index_dir, toc.generation)
    return ix


def _hold_columns(reader, ix) -> None:
    """Open every column file of every segment now, so a commit that merges segments
    away (and deletes their files) cannot pull them from under a running query.

    Whoosh opens terms and postings when a reader is made, but per-document columns
    (stored fields, field lengths) only on first use: without this, a query that
    overlaps a commit fails with "'NoneType' object is not subscriptable".
    """
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN

    columns = [("_stored", STORED_COLUMN)] + [
        (f"_{name}_len", LENGTHS_COLUMN) for name, field in reader.schema.items() if field.scorable
    ]
    missing = False
    for leaf, _base in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        if perdoc is None or not hasattr(perdoc, "_readers"):
            continue
        for column, kind in columns:
            if column in perdoc._readers:
                continue
            if column != "_stored" and not perdoc.has_column(column):
                missing = True
                continue
            # Opening raises FileNotFoundError when the file is already gone.
            perdoc._colfiles[column] = perdoc._get_column_file(column)
            perdoc._readers[column] = perdoc.column_reader(column, kind)
    if missing and ix.latest_generation() != reader.generation():
        raise FileNotFoundError("a segment was merged away while opening the index")


def _steady_index_class():
    """A Whoosh FileIndex whose readers hold all their files from the start."""
    from whoosh.index import FileIndex

    class SteadyIndex(FileIndex):
        def _read_toc(self):
            # Between finding the latest TOC and opening it, a commit may replace
            # it (and delete the old one): read the newer one then.
            for attempt in range(20):
                try:
                    return FileIndex._read_toc(self)
                except FileNotFoundError:
                    if attempt == 19:
                        raise
                    time.sleep(0.005 * attempt)

        def reader(self, reuse=None):
            # `reuse` is ignored: Whoosh-Reloaded 2.7.5 appends every segment of the
            # reused reader to the new one, so after a merge a refreshed searcher
            # would still see the merged-away segments, and every hit twice.
            for attempt in range(20):
                r = FileIndex.reader(self)
                try:
                    _hold_columns(r, self)
                    return r
                except OSError:
                    r.close()
                    time.sleep(0.01 * attempt)
            return FileIndex.reader(self)

    return SteadyIndex


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def verify_index(index_dir: Path, deep: bool = True) -> None:
    """Read the index back; raise IndexDamaged when it cannot be read.

    deep: every stored paragraph and every posting list. Slow on a big index: the
    CLI runs it only after an unexpected error, to tell a damaged index (Whoosh
    reads segment files lazily) from a bug of ours. Otherwise: open every file of
    every segment and read each segment's first and last stored paragraph.
    """
    ix = open_index(index_dir)
    try:
        with ix.reader() as reader:
            if not deep:
                for leaf, _base in reader.leaf_readers():
                    last = leaf.doc_count_all() - 1
                    for docnum in {0, last} if last >= 0 else ():
                        leaf.stored_fields(docnum)
                return
            for _ in reader.all_stored_fields():
                pass
            for fieldname in reader.indexed_field_names():
                for term in reader.lexicon(fieldname):
                    for _ in reader.postings(fieldname, term).all_ids():
                        pass
    except Exception as exc:
        raise damaged(index_dir, _short(exc)) from None


class ParagraphWriter(ParagraphStore):
    """The Whoosh store: adds and deletes whole files' paragraphs; nothing is visible
    until commit()."""

    def __init__(self, ix, index_dir: Path, limitmb: int = WRITER_LIMIT_MB, procs: int = 1):
        from whoosh.index import LockError

        self.ix, self.index_dir = ix, index_dir
        # Uncompounded segments let readers map only the parts a query touches (a
        # compound file is copied into memory whole); merges keep them uncompounded.
        # limitmb bounds each process's posting buffer; past it Whoosh spills runs to disk.
        options = dict(timeout=LOCK_TIMEOUT_SECONDS, delay=0.25, compound=False, limitmb=limitmb)
        try:
            if procs > 1:
                from index.whoosh.parallel import GuardedMpWriter

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
        """Add every paragraph of `doc`; returns how many.

        Text, title and heading are indexed in the fields of the document's analysis
        language and stored in the English-named fields (see index.whoosh.schema).
        """
        lang = analysis_language(doc.lang)
        # Only a real title is searchable; a made-up one is shown but not indexed,
        # or every paragraph would match the first paragraph's words.
        title = doc.title if doc.has_real_title else ""
        common = {
            "file_key": key,
            "root": root_id,
            "doc_id": doc.doc_id,
            "path": relpath,
            "format": doc.format,
            **_localised("title", title, lang),
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
            # The text field also holds the title and heading (index.whoosh.folded_text),
            # and so does the field of written forms, for every language.
            indexed = folded_text(p.text, title, p.heading)
            fields = dict(
                common,
                paragraph=p.number,
                **_localised("text", p.text, lang, indexed=indexed),
                **_localised("heading", p.heading, lang),
            )
            fields[WRITTEN_FIELD] = indexed
            if p.page is not None:
                fields["page"] = p.page
            self._w.add_document(**fields)
        return len(doc.paragraphs)

    def commit(self) -> None:
        """Make the batch visible; on a write error (a full disk) the last commit stays."""
        try:
            self._w.commit()
        except OSError as exc:
            self.cancel()
            raise IndexWriteFailed(
                f"could not write to the index at {self.index_dir}: {exc.strerror or exc}; "
                "it still holds everything up to the last completed batch"
            ) from exc
        record_commit(self.ix, self.index_dir)

    def cancel(self) -> None:
        """Drop the batch. Best effort: it runs after errors, and must not hide them."""
        w = self._w
        if w.is_closed:
            return
        try:
            w.cancel()
        except Exception:
            # Closing the segment failed (e.g. no space left): still free the lock
            # and the temp folder, as Whoosh's own _finish would have.
            with contextlib.suppress(Exception):
                w._tempstorage.destroy()
            lock = getattr(w, "writelock", None)
            if lock is not None and getattr(lock, "fd", None) is not None:
                with contextlib.suppress(Exception):
                    lock.release()
            w.is_closed = True


def _localised(base: str, value: str, lang: str, indexed: object = None) -> dict[str, object]:
    """Whoosh fields for `value`: indexed under `lang`'s field (as `indexed` when
    given), stored under `base`."""
    if indexed is None:
        indexed = value
    if lang == ENGLISH:
        return {base: indexed, f"_stored_{base}": value}
    return {field_for(base, lang): indexed, base: "", f"_stored_{base}": value}
