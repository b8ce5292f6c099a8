"""Queries a person ran, kept across runs in the user data dir, recalled with up/down."""

from __future__ import annotations

from pathlib import Path

from index.private import privately

HISTORY_FILE = "history.txt"
MAX_ENTRIES = 500


def default_history_path() -> Path:
    from index.locations import user_data_dir

    return user_data_dir() / HISTORY_FILE


class QueryHistory:
    """Oldest first, no duplicates (a repeated query moves to the end).

    Browsing keeps a cursor: `older()` / `newer()` step through the entries, and
    stepping past the newest gives back the draft the person was typing.
    """

    def __init__(self, path: Path | None, limit: int = MAX_ENTRIES):
        self.path = path
        self.limit = limit
        self.entries: list[str] = self._load()
        self._cursor: int | None = None
        self._draft = ""

    def _load(self) -> list[str]:
        if self.path is None:
            return []
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []  # a missing or unreadable history is an empty one
        return [line for line in lines if line.strip()][-self.limit :]

    def add(self, query: str) -> None:
        """Remember `query` as the newest entry and save; resets browsing."""
        query = " ".join(query.split())
        self.reset()
        if not query:
            return
        if query in self.entries:
            self.entries.remove(query)
        self.entries.append(query)
        del self.entries[: -self.limit]
        self._save()

    @privately  # the queries a person typed are theirs alone (0600, folder 0700)
    def _save(self) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text("".join(f"{q}\n" for q in self.entries), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass  # history is a convenience; never let it break a search

    @property
    def browsing(self) -> bool:
        return self._cursor is not None

    def reset(self) -> None:
        self._cursor = None

    def older(self, draft: str) -> str | None:
        """The entry before the current one (the newest on the first call); None at the start."""
        if not self.entries:
            return None
        if self._cursor is None:
            self._draft = draft
            self._cursor = len(self.entries)
        if self._cursor == 0:
            return None
        self._cursor -= 1
        return self.entries[self._cursor]

    def newer(self) -> str | None:
        """The next newer entry (the draft after the newest); None when not browsing."""
        if self._cursor is None:
            return None
        self._cursor += 1
        if self._cursor >= len(self.entries):
            self._cursor = None
            return self._draft
        return self.entries[self._cursor]
