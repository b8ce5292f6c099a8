"""How far the reader of the file being indexed has got, in bytes of the file on disk.

A progress bar by bytes moves within one large JSON Lines file or mailbox only if
the reader says where it is: it registers a function that tells (the position of
the raw, still compressed, file), and the indexer asks it after each document.
One indexing run reads one file at a time, in one thread; the position is kept
per thread all the same, so that a run in a worker thread never sees another's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_state = threading.local()


def follow(tell: Callable[[], int]) -> None:
    """From now on, `tell()` says how many bytes of the current file are read."""
    _state.tell = tell


def forget() -> None:
    _state.tell = None


def position() -> int | None:
    """Bytes of the current file read so far, or None when its reader does not say."""
    tell = getattr(_state, "tell", None)
    if tell is None:
        return None
    try:
        return tell()
    except (OSError, ValueError):  # the file is closed already
        return None
