"""Index files and folders into a paragraph index, incrementally and in batches.

The library entry point behind `search index`: `index_paths()`. A file is
re-indexed only when its content hash changed; its old paragraphs are deleted in
the same commit that adds the new ones, so no paragraph is ever duplicated. Work
is committed in batches, and the manifest is updated after each commit, so a
crash loses at most the batch in flight and the next run resumes from there.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from index import read_position
from index.chunking import drop_document_controls
from index.decoding import Unsupported
from index.discovery import FoundFile, walk
from index.errors import IndexWriteFailed, SearchToolError
from index.formats import format_of, reader_for
from index.formats.records import SkippedRecord
from index.languages import SAMPLE_CHARS, document_language
from index.locking import IndexerLock
from index.manifest import FileEntry, Manifest, Root, file_digest, file_key
from index.private import privately
from index.rebuild import (
    abandon_rebuild,
    clear_rebuild_leftovers,
    finish_rebuild,
    restore_interrupted_swap,
    start_rebuild,
)
from index.store import ParagraphStore
from index.whoosh.storage import (
    ParagraphWriter,
    clear_leftovers,
    create_index,
    ensure_commit_record,
    index_exists,
    open_index,
    refuse_foreign_folder,
    remove_index,
)

# Bounded memory: a reader holds one file's text in memory, so files above this
# size are skipped (and reported) rather than read. JSON Lines and mbox files are
# read one record/message at a time and have no limit.
MAX_FILE_BYTES = 64 * 1024 * 1024
STREAMING_FORMATS = {".jsonl", ".jsonl.gz", ".jsonl.xz", ".ndjson", ".mbox"}
TOO_LARGE = (
    f"larger than {MAX_FILE_BYTES >> 20} MiB, not read to keep memory bounded "
    "(split it, or convert it to JSON Lines, which is read as a stream)"
)
BATCH_PARAGRAPHS = 20_000
# Overrides the batch size (paragraphs per commit); the crash tests use tiny batches
# so that kills land in and around commits.
BATCH_ENV = "SEARCH_BATCH_PARAGRAPHS"
# With procs=None ("auto") a run goes parallel when it has at least this much to read.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
# Each parallel commit forks and joins the workers and adds one segment per worker;
# commit less often.
PARALLEL_BATCH_PARAGRAPHS = 100_000

ProgressFn = Callable[[int, int, str], None]


@dataclass
class IndexReport:
    """What one run did; the CLI prints it, tests assert on it."""

    files_seen: int = 0
    files_indexed: int = 0
    unchanged: int = 0
    documents: int = 0
    paragraphs: int = 0
    removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    total_documents: int = 0
    total_paragraphs: int = 0


def batch_size_from_env() -> int:
    """Paragraphs per commit: $SEARCH_BATCH_PARAGRAPHS when it is a positive number."""
    raw = os.environ.get(BATCH_ENV, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return BATCH_PARAGRAPHS


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


class _Batch:
    """Pending Whoosh changes plus the manifest changes that must follow their commit."""

    def __init__(self, ix, index_dir: Path, manifest: Manifest):
        self.ix, self.index_dir, self.manifest = ix, index_dir, manifest
        self.writer: ParagraphStore | None = None
        self.recorded: list[tuple[FileEntry, int, int]] = []
        self.forgotten: list[str] = []
        self.paragraphs = 0
        self.procs = 1  # writing processes for the next writer (see index.whoosh.parallel)

    def w(self) -> ParagraphStore:
        if self.writer is None:
            self.writer = ParagraphWriter(self.ix, self.index_dir, procs=self.procs)
        return self.writer

    def delete(self, key: str) -> None:
        self.w().delete_file(key)
        self.forgotten.append(key)

    def commit(self) -> None:
        """Commit to Whoosh, then (only then) tell the manifest what that commit holds."""
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.commit()
        try:
            if self.recorded:
                self.manifest.record(self.recorded)
            if self.forgotten:
                recorded = {e.file_key for e, _, _ in self.recorded}
                self.manifest.forget([k for k in self.forgotten if k not in recorded])
        except sqlite3.Error as exc:
            # The index has the batch; a lagging manifest only makes the next run redo it.
            raise IndexWriteFailed(
                f"could not update the index's file list in {self.index_dir}: {exc}; "
                "the next run will redo the last batch"
            ) from exc
        self.recorded, self.forgotten, self.paragraphs = [], [], 0

    def cancel(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.cancel()


def _resolve_roots(
    paths: Sequence[Path], manifest: Manifest, report: IndexReport, seeds: bool
) -> tuple[list[tuple[Root, Path]], list[Root]]:
    """Map each requested path to the root folder its files are keyed under.

    A path inside an already indexed folder keeps that folder as its root, so the
    same file is never indexed under two keys. A new folder that contains indexed
    folders absorbs them: their entries are re-keyed under the new root.
    """
    roots = manifest.roots()
    scopes: list[tuple[Root, Path]] = []
    absorbed: list[Root] = []
    for raw in paths:
        path = Path(os.path.abspath(Path(raw).expanduser()))
        if not os.path.lexists(path):
            report.errors.append((str(raw), "no such file or directory"))
            continue
        if not (path.is_dir() or path.is_file()):
            report.errors.append((str(raw), "not a regular file or folder"))
            continue
        base = path if path.is_dir() else path.parent
        root = next((r for r in roots if _under(base, r.path)), None)
        if root is None:
            inner = [r for r in roots if _under(r.path, base)]
            absorbed.extend(inner)
            roots = [r for r in roots if r not in inner]
            root = manifest.add_root(base, seeds=seeds)
            roots.append(root)
        scopes.append((root, path))
    return scopes, absorbed


@privately
def index_paths(
    paths: Sequence[Path | str],
    index_dir: Path,
    *,
    rebuild: bool = False,
    prune: bool = True,
    prune_everywhere: bool = False,
    seeds: bool = False,
    progress: ProgressFn | None = None,
    byte_progress: ProgressFn | None = None,
    batch_paragraphs: int | None = None,
    follow_symlinks: bool = False,
    procs: int | None = 1,
) -> IndexReport:
    """Add or update `paths` in the index at `index_dir`, creating it if needed.

    prune: forget files that vanished from folders given again (the default).
    prune_everywhere: also forget vanished files under every other indexed folder.
    seeds: mark these paths as the bundled sample corpus (dropped once the user
    indexes their own files into the same index).
    rebuild: start over; with no `paths`, from the files the index lists (how an
    index written in an older format is brought up to date).
    follow_symlinks: also follow symbolic links that point out of the folders given.
    progress: called with (files done, files, name) before each file.
    byte_progress: called with (bytes read, bytes of all files, name) before each file
    and after each document of a file whose reader says where it is (JSON Lines,
    mbox: index.read_position), so one large file moves a bar too.
    procs: writing processes. 1 (the library default) never forks; None means "all
    cores when there is enough to read" (the CLI's default). More than one is used
    only from the main thread of a single-threaded process (never inside the TUI).
    """
    started = time.perf_counter()
    report = IndexReport()
    if batch_paragraphs is None:
        batch_paragraphs = batch_size_from_env()
    index_dir = Path(index_dir)
    refuse_foreign_folder(index_dir)  # first: `--index /` must not reach the swap's names
    restore_interrupted_swap(index_dir)
    with IndexerLock(index_dir) as lock:
        note = lock.stale_note()
        if note:
            report.notes.append(note)
        clear_leftovers(index_dir)
        clear_rebuild_leftovers(index_dir)
        held: list[Root] = []
        if rebuild and not paths:
            paths, held = _held_files(index_dir, report)
            seeds = bool(held) and all(root.seeds for root in held)
        # A rebuild fills a new index beside the old one, which answers queries
        # until the new one is complete and takes its place (index.rebuild).
        target = start_rebuild(index_dir, lock) if rebuild else None
        if rebuild and target is None:
            report.notes.append(IN_PLACE)
            remove_index(index_dir)
        try:
            _fill(
                target or index_dir,
                paths,
                held,
                report,
                own=index_dir,
                prune=prune,
                prune_everywhere=prune_everywhere,
                seeds=seeds,
                progress=progress,
                byte_progress=byte_progress,
                batch_paragraphs=batch_paragraphs,
                follow_symlinks=follow_symlinks,
                procs=procs,
            )
            if target is not None:
                finish_rebuild(target, index_dir)
        except BaseException as exc:
            if target is None:
                raise
            abandon_rebuild(target, index_dir)
            if isinstance(exc, OSError | IndexWriteFailed):
                raise _rebuild_stopped(index_dir, exc) from None
            raise
    report.seconds = time.perf_counter() - started
    return report


IN_PLACE = (
    "rebuilt the index in place (its folder cannot be swapped for a new one: a mount "
    "point, or a parent folder that cannot be written), so it was empty meanwhile"
)


def _rebuild_stopped(index_dir: Path, exc: BaseException) -> IndexWriteFailed:
    """The one line for a rebuild that failed: what broke (the OS's or SQLite's words,
    not a message naming the half-built folder, which is gone) and that nothing is lost."""
    cause = exc.__cause__ or exc
    why = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(cause)
    return IndexWriteFailed(
        f"could not rebuild the index at {index_dir} ({why}); it is as it was before"
    )


def _fill(where: Path, paths, held: list[Root], report: IndexReport, *, own: Path, **run) -> None:
    """Open (or create) the index at `where` and index `paths` into it.

    `own` is the index folder as the person knows it: files under it are never
    documents, even while a rebuild writes beside it.
    """
    if index_exists(where):
        ix = open_index(where)
        ensure_commit_record(ix, where)
    else:
        ix = create_index(where)
    try:
        manifest = Manifest(where)
    except sqlite3.Error as exc:
        raise IndexWriteFailed(f"could not open the file list in {where}: {exc}") from exc
    with manifest:
        for root in held:  # the rebuilt index keeps the folders it was given
            manifest.add_root(root.path, seeds=root.seeds)
        batch = _Batch(ix, where, manifest)
        try:
            _run(paths, manifest, batch, report, own=own, **run)
            batch.commit()
        except BaseException:
            batch.cancel()
            raise
        report.total_documents, report.total_paragraphs = manifest.totals()[1:]


def holds_only_seeds(index_dir: Path) -> bool:
    """Whether an index holds the bundled samples and nothing of the person's own."""
    try:
        with Manifest(index_dir) as manifest:
            roots = manifest.roots()
    except sqlite3.Error:
        return False
    return bool(roots) and all(root.seeds for root in roots)


def _held_files(index_dir: Path, report: IndexReport) -> tuple[list[Path], list[Root]]:
    """The files an index lists (those still on disk), and its folders.

    Files, not their folders: a folder may hold files nobody asked to index. Files
    gone since are counted as removed.
    """
    try:
        with Manifest(index_dir) as manifest:
            roots = {root.id: root for root in manifest.roots()}
            entries = list(manifest.files().values())
    except sqlite3.Error as exc:
        raise IndexWriteFailed(
            f"could not read the file list in {index_dir} ({exc}); give the files and "
            "folders to index: search index --rebuild PATH..."
        ) from None
    files = [roots[e.root_id].path / e.relpath for e in entries if e.root_id in roots]
    if not files:
        raise SearchToolError(
            f"the index at {index_dir} lists no files to rebuild from; "
            "give the files and folders to index: search index --rebuild PATH..."
        )
    present = [f for f in files if f.is_file()]
    report.removed += len(files) - len(present)
    return present, list(roots.values())


def _choose_procs(procs: int | None, tasks: dict, report: IndexReport) -> int:
    """How many writing processes this run uses (see `index_paths`)."""
    if procs == 1:
        return 1  # without importing multiprocessing
    from index.whoosh.parallel import default_procs, parallel_allowed

    if procs is None:
        size = 0
        for _, found in tasks.values():
            with contextlib.suppress(OSError):
                size += found.path.stat().st_size
            if size >= PARALLEL_MIN_BYTES:
                break
        procs = default_procs() if size >= PARALLEL_MIN_BYTES else 1
    if procs > 1 and not parallel_allowed():
        report.notes.append("indexing in one process: this process runs other threads")
        procs = 1
    return max(1, procs)


def _run(
    paths,
    manifest,
    batch,
    report,
    *,
    own: Path,
    prune: bool,
    prune_everywhere: bool,
    seeds: bool,
    progress: ProgressFn | None,
    batch_paragraphs: int,
    byte_progress: ProgressFn | None = None,
    follow_symlinks: bool = False,
    procs: int | None = 1,
) -> None:
    existing = manifest.files()
    scopes, absorbed = _resolve_roots([Path(p) for p in paths], manifest, report, seeds)
    chosen = {root.id for root, _ in scopes}

    dropped: list[Root] = list(absorbed)
    if not seeds and scopes:
        old_seeds = [r for r in manifest.roots() if r.seeds and r.id not in chosen]
        if old_seeds:
            dropped.extend(old_seeds)
            report.notes.append(
                "removed the bundled sample documents from this index now that it holds yours"
            )
    for root in dropped:
        for key, entry in existing.items():
            if entry.root_id == root.id:
                batch.delete(key)
                report.removed += 1

    tasks: dict[str, tuple[Root, FoundFile]] = {}
    # Folders that could not be listed: what the index holds under them is kept.
    kept: list[tuple[str, str]] = []
    # An index kept inside the folder it indexes is not a document of that folder.
    own = Path(os.path.abspath(own))
    for root, scope in scopes:

        def unlisted(folder: Path, reason: str, root: Root = root) -> None:
            report.errors.append((display_path(folder), f"cannot list this folder: {reason}"))
            with contextlib.suppress(ValueError):
                rel = folder.relative_to(root.path).as_posix()
                kept.append((root.id, "" if rel == "." else rel + "/"))

        try:
            for found in walk(
                scope,
                root.path,
                warn=_walk_warning(report),
                follow_outside=follow_symlinks,
                unlisted=unlisted,
            ):
                if own in Path(os.path.abspath(found.path)).parents:
                    continue
                tasks.setdefault(file_key(root.id, found.relpath), (root, found))
        except OSError as exc:
            report.errors.append((display_path(scope), exc.strerror or str(exc)))

    batch.procs = _choose_procs(procs, tasks, report)
    if batch.procs > 1:
        batch_paragraphs = max(batch_paragraphs, PARALLEL_BATCH_PARAGRAPHS)
    total = len(tasks)
    sizes = _sizes(tasks) if byte_progress else {}
    all_bytes, bytes_done = sum(sizes.values()), 0
    for done, (key, (root, found)) in enumerate(tasks.items()):
        if progress:
            progress(done, total, found.shown)
        within = None
        if byte_progress:
            byte_progress(bytes_done, all_bytes, found.shown)
            size = sizes.get(key, 0)
            within = partial(_bytes_within, byte_progress, bytes_done, size, all_bytes, found.shown)

        report.files_seen += 1
        _index_file(key, root, found, existing.get(key), batch, report, within)
        bytes_done += sizes.get(key, 0)
        if batch.paragraphs >= batch_paragraphs:
            batch.commit()
    if progress:
        progress(total, total, "")
    if byte_progress:
        byte_progress(all_bytes, all_bytes, "")

    gone: set[str] = set()
    if prune:
        for root, scope in scopes:
            if scope.is_dir():
                prefix = "" if scope == root.path else scope.relative_to(root.path).as_posix() + "/"
                gone.update(
                    k
                    for k, e in existing.items()
                    if e.root_id == root.id and e.relpath.startswith(prefix) and k not in tasks
                )
    if prune_everywhere:
        paths_of = {r.id: r.path for r in manifest.roots()}
        gone.update(
            k
            for k, e in existing.items()
            if e.root_id in paths_of and _gone(paths_of[e.root_id] / e.relpath)
        )
    gone = {
        k
        for k in gone
        if not any(
            existing[k].root_id == rid and existing[k].relpath.startswith(prefix)
            for rid, prefix in kept
        )
    }
    for key in sorted(gone - set(batch.forgotten)):
        batch.delete(key)
        report.removed += 1
    batch.commit()
    for root in dropped:
        manifest.remove_root(root.id)


def _bytes_within(
    byte_progress: ProgressFn, start: int, size: int, all_bytes: int, shown: str, read: int
) -> None:
    """Progress by bytes from within a file: `read` bytes of it, after `start` of all."""
    byte_progress(start + min(read, size), all_bytes, shown)


def _sizes(tasks: dict[str, tuple[Root, FoundFile]]) -> dict[str, int]:
    """Each file's size on disk (0 when it cannot be read: it fails later, and counts)."""
    sizes = {}
    for key, (_root, found) in tasks.items():
        try:
            sizes[key] = found.path.stat().st_size
        except OSError:
            sizes[key] = 0
    return sizes


def _gone(path: Path) -> bool:
    """Whether a file is known to be gone: one that cannot be looked at (a folder
    without permission on its way) may still be there, and is kept."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _index_file(
    key: str,
    root: Root,
    found: FoundFile,
    old: FileEntry | None,
    batch: _Batch,
    report: IndexReport,
    within: Callable[[int], None] | None = None,
) -> None:
    """Index one file into the current batch, or count why not. `within(bytes)` hears
    how far into the file its reader has got, after each document."""
    shown = display_path(found.path)
    fmt = format_of(found.path)
    if fmt is None:
        report.skipped.append((shown, "unsupported format"))
        return
    warnings: list[str] = []
    try:
        st = found.path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the run, a device never end
            raise Unsupported("not a regular file")
        if st.st_size > MAX_FILE_BYTES and fmt not in STREAMING_FORMATS:
            raise Unsupported(TOO_LARGE)
        digest = file_digest(found.path)
        if old is not None and old.digest == digest:
            report.unchanged += 1
            return
        read_position.forget()
        documents = reader_for(fmt)(found.path, warnings.append)
        first = next(documents, None)  # read errors surface here, before any delete
    except Unsupported as exc:
        report.skipped.append((shown, str(exc)))
        report.warnings.extend((shown, w) for w in warnings)  # said before it gave up
        if old is not None:  # it held text before; it holds none now
            batch.delete(key)
            report.removed += 1
        return
    except Exception as exc:  # a reader's failure is this file's error, never the run's
        report.errors.append((shown, _reason(exc)))
        report.warnings.extend((shown, w) for w in warnings)
        return

    batch.delete(key)
    docs = paragraphs = 0
    try:
        doc = first
        while doc is not None:
            if not doc.doc_id:
                doc.doc_id = found.shown
            drop_document_controls(doc)
            # Errors of the index writer itself (a full disk) are not this file's
            # fault: they end the run, and the batch is cancelled.
            doc.lang = document_language(doc.lang, _sample(doc))
            paragraphs += batch.w().add_document(doc, key, root.id, found.shown)
            docs += 1
            if within is not None and (read := read_position.position()) is not None:
                within(read)
            try:
                doc = next(documents, None)
            except Exception as exc:
                # Whole documents of the file went in; leave it out of the manifest
                # so the next run redoes it.
                report.errors.append((shown, f"stopped part-way: {_reason(exc)}"))
                return
    finally:
        records = [w for w in warnings if isinstance(w, SkippedRecord)]
        report.warnings.extend((shown, w) for w in warnings if not isinstance(w, SkippedRecord))
        if docs:  # a file with no record to index is skipped once, as a whole
            report.skipped.extend((f"{shown} {r.where}", r.reason) for r in records)
    if docs == 0:
        report.skipped.append((shown, "no text"))
        return
    batch.recorded.append(
        (
            FileEntry(key, root.id, found.relpath, digest, docs, paragraphs),
            st.st_size,
            st.st_mtime_ns,
        )
    )
    batch.paragraphs += paragraphs
    report.files_indexed += 1
    report.documents += docs
    report.paragraphs += paragraphs


def _reason(exc: BaseException) -> str:
    """One line for a person: our message, the OS's, or the library's with its kind."""
    if isinstance(exc, SearchToolError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    lines = str(exc).strip().splitlines()
    return f"{lines[0]} ({type(exc).__name__})" if lines else type(exc).__name__


def _sample(doc) -> str:
    """The start of a document's text, enough to tell its language."""
    parts = [doc.title]
    size = len(doc.title)
    for p in doc.paragraphs:
        if size > SAMPLE_CHARS:
            break
        parts.append(p.text)
        size += len(p.text)
    return "\n".join(parts)


def _walk_warning(report: IndexReport):
    def warn(path: Path, reason: str) -> None:
        report.warnings.append((display_path(path), reason))

    return warn


@privately
def remove_paths(paths: Sequence[Path | str], index_dir: Path) -> IndexReport:
    """Forget files (or whole folders) that are gone: used by `--watch` for deletions.

    Paths outside every indexed folder, or never indexed, are ignored.
    """
    started = time.perf_counter()
    report = IndexReport()
    index_dir = Path(index_dir)
    if not index_exists(index_dir):
        return report
    ix = open_index(index_dir)
    with Manifest(index_dir) as manifest:
        roots = manifest.roots()
        existing = manifest.files()
        keys: set[str] = set()
        for raw in paths:
            path = Path(os.path.abspath(Path(raw).expanduser()))
            for root in roots:
                if not _under(path, root.path):
                    continue
                rel = path.relative_to(root.path).as_posix()
                keys.update(
                    k
                    for k, e in existing.items()
                    if e.root_id == root.id
                    and (rel == "." or e.relpath == rel or e.relpath.startswith(rel + "/"))
                )
        batch = _Batch(ix, index_dir, manifest)
        try:
            for key in sorted(keys):
                batch.delete(key)
                report.removed += 1
            batch.commit()
        except BaseException:
            batch.cancel()
            raise
        report.total_documents, report.total_paragraphs = manifest.totals()[1:]
    report.seconds = time.perf_counter() - started
    return report
