"""Private by default: what we write can be read by its owner only.

An index holds the text of the documents it was given, which may be private, and
the XDG spec asks for a data folder of mode 0700. Under the usual umask (022)
folders would come out 0755 and files 0644, so everything we create while
writing is created under a umask that also takes group and others' bits away
(folders 0700, files 0600). A stricter umask the person set is kept as it is.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

PRIVATE_BITS = 0o077
_lock = threading.Lock()
_depth = 0
_saved = 0


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Create folders 0700 and files 0600 (or stricter) inside this block.

    The umask is the process's: nested and concurrent blocks share one change,
    restored when the last one ends."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = os.umask(0)
            os.umask(_saved | PRIVATE_BITS)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                os.umask(_saved)


def privately(func):
    """`func` run inside `private_files()`."""
    import functools

    @functools.wraps(func)
    def run(*args, **kwargs):
        with private_files():
            return func(*args, **kwargs)

    return run
