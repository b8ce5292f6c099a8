"""Errors the tool reports to a person as one line, never as a traceback."""


class SearchToolError(Exception):
    """An error with a message fit to print as-is; the CLI exits 2 on it."""


class IndexMissing(SearchToolError):
    """The requested index does not exist (and is not the default one)."""


class IndexDamaged(SearchToolError):
    """The index exists but cannot be read; rebuilding it is the way out."""


class IndexOutdated(IndexDamaged):
    """The index was written by another version of the tool, in a format this one
    does not read; `search index --rebuild` rebuilds it from the folders it holds."""


class IndexLocked(SearchToolError):
    """Another process is writing to the index and did not finish in time."""


class IndexWriteFailed(SearchToolError):
    """Writing to the index failed (e.g. a full disk); the last commit is intact."""
