"""Find the files to index under the paths a person gave.

Hidden files and folders (".git", ".DS_Store") are left out, as ripgrep does.
Symbolic links are followed only when their target stays inside the folder being
indexed, so a link can never pull in (or loop through) files from elsewhere;
`follow_outside=True` (`search index --follow-symlinks`) follows them anyway, still
storing each file under its path inside the root, and still never looping.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FoundFile:
    """A file under an indexed root. `relpath` uses "/" on every platform."""

    path: Path
    relpath: str

    @property
    def shown(self) -> str:
        return shown_name(self.relpath)


def _inside(target: Path, root: Path) -> bool:
    try:
        target.relative_to(root)
    except ValueError:
        return False
    return True


def _resolves_inside(link: Path, root: Path) -> bool:
    """Whether a link's target is inside `root`; a link that loops onto itself is not."""
    try:
        return _inside(link.resolve(), root)
    except (OSError, RuntimeError):  # RuntimeError: "Symlink loop" (Python < 3.13)
        return False


def relative(path: Path, root: Path) -> str:
    """The path under the root, "/"-separated. A name that is not UTF-8 (raw bytes
    from another system) keeps its bytes as Python's surrogate escapes, so `root /
    relative(...)` still leads to the file (a rebuild, a prune check it); the
    manifest stores such a name as bytes, the index as `shown_name`."""
    return path.relative_to(root).as_posix()


def shown_name(relpath: str) -> str:
    """`relpath` as text that can be stored in a paragraph and printed (JSON too):
    bytes that are not UTF-8 become U+FFFD."""
    return os.fsencode(relpath).decode("utf-8", "replace")


def walk(
    scope: Path,
    root: Path,
    warn: Callable[[Path, str], None] | None = None,
    follow_outside: bool = False,
    unlisted: Callable[[Path, str], None] | None = None,
) -> Iterator[FoundFile]:
    """Yield the files under `scope` (a file or folder inside `root`), sorted by path.

    `warn(path, reason)` hears of what was left out on purpose and is worth saying:
    symbolic link loops and links that lead outside the folder. `follow_outside`
    follows links out of the folder too (opt-in: `search index --follow-symlinks`).
    `unlisted(folder, reason)` hears of a folder that could not be listed (no
    permission): its files are unknown, not gone, so the caller must keep them.
    """
    real_root = root.resolve()
    if scope.is_file():
        yield FoundFile(scope, relative(scope, root))
        return

    def on_error(exc: OSError) -> None:
        if unlisted is not None:
            unlisted(Path(exc.filename or scope), exc.strerror or str(exc))

    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(scope, followlinks=True, onerror=on_error):
        here = Path(dirpath)
        try:
            st = here.stat()
        except OSError as exc:
            dirnames[:] = []
            if unlisted is not None:
                unlisted(here, exc.strerror or str(exc))
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:  # a symlink loop
            if warn is not None:
                warn(here, "symbolic link loop, not followed")
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        kept = []
        for name in sorted(dirnames):
            sub = here / name
            if name.startswith("."):
                continue
            if sub.is_symlink() and not follow_outside and not _resolves_inside(sub, real_root):
                if warn is not None:
                    warn(sub, "symbolic link to a folder outside the indexed folder, not followed")
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = here / name
            if path.is_symlink() and not follow_outside and not _resolves_inside(path, real_root):
                continue
            yield FoundFile(path, relative(path, root))
