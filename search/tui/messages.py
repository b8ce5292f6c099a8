"""Messages the app's workers post back to the UI thread (posting is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from search.results import Hit, SearchResult
from search.tui.shared_engine import Library


class LibraryOpened(Message):
    """The index is open (after building the default one, if it had to)."""

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library


class LibraryFailed(Message):
    """The index could not be opened; `error` is the one-line reason."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class IndexProgress(Message):
    """A line to show while the index is being opened or built."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


@dataclass
class SearchOutcome:
    """What one search produced: a result, or a message saying why there is none."""

    seq: int
    query: str
    result: SearchResult | None = None
    error: str = ""
    suggestion: str | None = None
    seconds: float = 0.0  # how long the search took, waiting for the index included


class SearchDone(Message):
    """A search finished; the screen ignores it unless `seq` is the newest one asked for."""

    def __init__(self, outcome: SearchOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class DocumentLoaded(Message):
    """All paragraphs of the document `hit` belongs to, highlighted for `query`."""

    def __init__(self, hit: Hit, paragraphs: list[Hit], seq: int) -> None:
        super().__init__()
        self.hit = hit
        self.paragraphs = paragraphs
        self.seq = seq
