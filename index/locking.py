"""One indexer at a time per index, with a lock that says who holds it.

`search index` holds `indexer.lock` (an flock) for its whole run, not only while
Whoosh commits, so two indexers can never interleave their batches. Beside it the
holder writes `indexer.lock.json` (pid, host, command, start time) so a second
indexer can name the process it is waiting for.

flock belongs to the open file, so the kernel drops it when the holder dies, even
by SIGKILL: a lock can only outlive its process through a child that inherited
the descriptor. A killed indexer leaves just its info file behind; whoever takes
the lock next finds that file, knows it is stale (the lock was free), reports it
and replaces it. Queries never take the lock: they read the last commit.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path

from index.errors import IndexLocked

LOCK_NAME = "indexer.lock"
INFO_NAME = "indexer.lock.json"
LOCK_TIMEOUT_ENV = "SEARCH_LOCK_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.1


def lock_timeout() -> float:
    """Seconds a second indexer waits: $SEARCH_LOCK_TIMEOUT, else 10."""
    try:
        return max(0.0, float(os.environ.get(LOCK_TIMEOUT_ENV, "")))
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    except OSError:
        return False
    return True


def read_info(index_dir: Path) -> dict | None:
    """The holder's (or a dead holder's) record, or None when absent or unreadable."""
    try:
        info = json.loads((index_dir / INFO_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def describe(info: dict) -> str:
    """'process 123 (search index docs) on host, since 12:00:01' from an info record."""
    parts = [f"process {info.get('pid', '?')}"]
    if info.get("command"):
        parts.append(f"({info['command']})")
    if info.get("host"):
        parts.append(f"on {info['host']}")
    started = info.get("started")
    if isinstance(started, int | float):
        parts.append("since " + time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)))
    return " ".join(parts)


def _command_line() -> str:
    argv = [os.path.basename(sys.argv[0]) if sys.argv else "python", *sys.argv[1:]]
    if argv[0] in ("__main__.py", "-m"):
        argv[0] = "search"
    text = " ".join(argv)
    return text if len(text) <= 200 else text[:197] + "..."


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` so a reader sees the old or the new file, never half.

    No fsync: like Whoosh's own TOC rename this guards against a killed process,
    not a power cut, and it runs after every commit.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class IndexerLock:
    """The run-long writer lock of one index folder (a context manager)."""

    def __init__(self, index_dir: Path, timeout: float | None = None):
        self.index_dir = Path(index_dir)
        self.timeout = lock_timeout() if timeout is None else timeout
        self.fd: int | None = None
        self.stale: dict | None = None  # the info a dead holder left, if any
        self.record = ""  # what this holder wrote into INFO_NAME

    def acquire(self) -> IndexerLock:
        import fcntl

        self.index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.index_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise IndexLocked(self._busy_message()) from None
                time.sleep(POLL_SECONDS)
        self.fd = fd
        # We hold the lock, so whoever wrote an info file is gone: it is stale.
        self.stale = read_info(self.index_dir)
        info = {
            "pid": os.getpid(),
            "host": _hostname(),
            "command": _command_line(),
            "started": time.time(),
        }
        self.record = json.dumps(info) + "\n"
        # A full disk must not stop us here: the run then fails cleanly on its first write.
        with contextlib.suppress(OSError):
            write_atomic(self.index_dir / INFO_NAME, self.record)
        return self

    def share_with(self, folder: Path) -> None:
        """Give `folder` this lock's file, as a hard link, and our record.

        A rebuild swaps `folder` into the index folder's place; an indexer waiting
        then, or starting after, must find the very lock we hold there (flock locks
        the file, not its name), or two indexers could write at once.
        """
        os.link(self.index_dir / LOCK_NAME, folder / LOCK_NAME)
        write_atomic(folder / INFO_NAME, self.record)

    def stale_note(self) -> str | None:
        if not self.stale:
            return None
        return (
            f"cleared a stale lock on the index left by {describe(self.stale)}, "
            "which stopped without finishing; this run picks up where it left off"
        )

    def _busy_message(self) -> str:
        where = self.index_dir
        waited = f"waited {self.timeout:g} s"
        info = read_info(self.index_dir)
        if not info:
            return (
                f"another process is indexing into {where} ({waited}); "
                "try again when it has finished"
            )
        same_host = info.get("host") == _hostname()
        pid = info.get("pid")
        if same_host and isinstance(pid, int) and not pid_alive(pid):
            return (
                f"the index at {where} is locked by a leftover child of {describe(info)}, "
                f"which is no longer running ({waited}); end that child process "
                f"(see: fuser -v {where / LOCK_NAME}) and try again"
            )
        return (
            f"{describe(info)} is indexing into {where} ({waited}); try again when it has finished"
        )

    def release(self) -> None:
        if self.fd is None:
            return
        import fcntl

        # Remove the record while still holding the lock, so it is never left
        # naming a live process that no longer holds it.
        with contextlib.suppress(OSError):
            (self.index_dir / INFO_NAME).unlink()
        with contextlib.suppress(OSError):
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> IndexerLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _hostname() -> str:
    """This machine's name. `socket` is imported here: only a writer needs it, and
    it costs a one-shot search about 3 ms to import."""
    import socket

    return socket.gethostname()
