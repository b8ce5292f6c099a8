"""`--rebuild` without a gap: build the new index beside the old one, then swap.

Until the new index is complete, the old one stays whole and answers queries;
then one rename exchanges the two folders (Linux renameat2 RENAME_EXCHANGE), so a
query sees the old index or the new one, never none or part of one. A kill at any
moment leaves the old index in place and a folder beside it, which the next run
removes under the indexer lock.

The new index grows in a hidden sibling folder (".<name>.rebuild"): the same file
system, so it can be renamed, and hidden, so a walk or a watcher of the folder
around the index leaves it alone. The indexer lock file is hard-linked into it, so
whoever waits for the lock waits on the same lock before and after the swap.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
from pathlib import Path

from index.locking import INFO_NAME, LOCK_NAME, IndexerLock
from index.whoosh.storage import ours

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _real(index_dir: Path) -> Path:
    # The folder itself, not a symbolic link to it: the link must keep pointing at the index.
    return Path(os.path.realpath(index_dir))


def _scratch(index_dir: Path) -> Path:
    real = _real(index_dir)
    return real.with_name(f".{real.name}.rebuild")


def _retired(index_dir: Path) -> Path:
    real = _real(index_dir)
    return real.with_name(f".{real.name}.replaced")


def restore_interrupted_swap(index_dir: Path) -> None:
    """Put the old index back where a kill struck between the two renames of a swap
    on a file system that cannot exchange folders. Runs before the lock is taken:
    the lock file lives in the index folder, which is then missing."""
    real, retired = _real(index_dir), _retired(index_dir)
    if not os.path.lexists(real) and _is_folder(retired) and (retired / LOCK_NAME).exists():
        with contextlib.suppress(OSError):  # another run restored it first
            os.rename(retired, real)


def clear_rebuild_leftovers(index_dir: Path) -> None:
    """Remove what a killed rebuild left beside the index. Only under the indexer lock.

    A folder of that name is ours when it is empty or shares the index's lock file
    (which `_discard` removes last); someone else's is left alone."""
    real = _real(index_dir)
    for folder in (_scratch(index_dir), _retired(index_dir)):
        if not _is_folder(folder):
            continue
        with contextlib.suppress(OSError):
            if not any(folder.iterdir()) or os.path.samefile(folder / LOCK_NAME, real / LOCK_NAME):
                _discard(folder, real)


def start_rebuild(index_dir: Path, lock: IndexerLock) -> Path | None:
    """A new, empty folder to build the rebuilt index in, or None when the index
    folder cannot be swapped (a mount point; a parent folder we may not write to or
    that lies on another file system)."""
    real, scratch = _real(index_dir), _scratch(index_dir)
    if _mount_point(real):
        return None
    try:
        scratch.mkdir()
    except OSError:
        return None
    try:
        if scratch.stat().st_dev != real.stat().st_dev:
            raise OSError(errno.EXDEV, "another file system")
        lock.share_with(scratch)
    except OSError:
        abandon_rebuild(scratch, index_dir)
        return None
    return scratch


def finish_rebuild(scratch: Path, index_dir: Path) -> None:
    """Put the complete new index in the old one's place, then delete the old one."""
    real = _real(index_dir)
    if not _exchange(scratch, real):
        retired = _retired(index_dir)
        os.rename(real, retired)
        try:
            os.rename(scratch, real)
        except OSError:
            with contextlib.suppress(OSError):
                os.rename(retired, real)
            raise
        scratch = retired
    # The new index is in place: what stops the clean-up now is for the next run to finish.
    abandon_rebuild(scratch, index_dir)


def abandon_rebuild(scratch: Path, index_dir: Path) -> None:
    """Delete a rebuild's other folder: the unfinished new index, or the replaced old
    one. Best effort: it runs while an error is on its way, or after the swap."""
    with contextlib.suppress(OSError):
        _discard(scratch, _real(index_dir))


def _discard(folder: Path, index_dir: Path) -> None:
    """Delete a folder that is not (or no longer) the index: our files go; anything
    else (notes someone kept in the index folder) moves to the index folder. The
    lock file goes last, and only with everything else: it marks the folder as ours."""
    kept = False
    for entry in folder.iterdir():
        if entry.name == LOCK_NAME:
            continue
        if ours(entry.name) or entry.name == INFO_NAME:
            if _is_folder(entry):
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        elif not os.path.lexists(index_dir / entry.name):
            os.rename(entry, index_dir / entry.name)
        else:
            kept = True  # a stranger's file with no place to go: the next run tries again
    if not kept:
        (folder / LOCK_NAME).unlink(missing_ok=True)
        folder.rmdir()


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the C library or the file system
    cannot (then the caller renames twice)."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except AttributeError:  # a C library older than glibc 2.28
        return False
    c_int, c_path = ctypes.c_int, ctypes.c_char_p
    renameat2.argtypes = [c_int, c_path, c_int, c_path, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _mount_point(path: Path) -> bool:
    """Whether `path` is a mount point, bind mounts included: no rename can move it."""
    if os.path.ismount(path):
        return True
    try:
        with open("/proc/self/mountinfo", "rb") as fh:
            points = [line.split(b" ")[4] for line in fh if line.count(b" ") >= 4]
    except OSError:
        return False
    # mountinfo writes a space, tab, newline or backslash in a path as \ooo.
    octal = re.compile(rb"\\([0-7]{3})")
    target = os.fsencode(path)
    return any(octal.sub(lambda m: bytes([int(m[1], 8)]), p) == target for p in points)
