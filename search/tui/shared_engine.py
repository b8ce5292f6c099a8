"""The app's one open index: an Engine behind a lock, plus what the status line shows.

Whoosh searchers are not guaranteed thread-safe and the app searches from worker
threads, so every use of the Engine goes through `Library` and holds its lock. The
searcher stays open for the app's lifetime; `refresh()` before each search picks
up commits made meanwhile (by `search index` in another terminal).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from search.engine import Engine
from search.results import ALL_WORDS, SCORE, Hit, SearchResult


@dataclass(frozen=True)
class IndexInfo:
    name: str
    path: Path
    documents: int
    paragraphs: int
    default: bool = False

    @property
    def label(self) -> str:
        return "default index" if self.default else f"index {self.name}"


class Library:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._lock = threading.Lock()

    @classmethod
    def open(cls, index_option: str | None, notify: Callable[[str], None]) -> Library:
        """Open the chosen index, building the default one from the seeds on first use."""
        from search.choose_index import ensure_index

        return cls(ensure_index(index_option, notify))

    @property
    def index_dir(self) -> Path:
        return self.engine.index_dir

    def close(self) -> None:
        with self._lock:
            self.engine.close()

    def search(
        self, text: str, limit: int | None, partial: bool | None = None, sort: str = SCORE
    ) -> SearchResult:
        """The one-shot command's search (raises EmptyQuery on a vacuous query);
        `partial=True` is its `--fill`, `sort` its `--sort`; copies set aside as there."""
        with self._lock:
            self.engine.refresh()
            return self.engine.search(text, limit=limit, partial=partial, sort=sort, dedupe=True)

    def document(self, hit: Hit, query: str, mode: str = ALL_WORDS) -> list[Hit]:
        with self._lock:
            return self.engine.document(hit.file_key, hit.doc_id, query, mode)

    def info(self) -> IndexInfo:
        """Name and size of the index; documents from the manifest, paragraphs from Whoosh."""
        from index.locations import default_index_dir
        from index.manifest import Manifest

        with self._lock:
            paragraphs = self.engine.paragraph_count()
        with Manifest(self.index_dir) as manifest:
            _, documents, _ = manifest.totals()
        is_default = self.index_dir.resolve() == default_index_dir().resolve()
        return IndexInfo(self.index_dir.name, self.index_dir, documents, paragraphs, is_default)

    def source_path(self, hit: Hit) -> Path | None:
        """Absolute path of the file `hit` came from, None when its root is unknown."""
        from index.manifest import Manifest

        with Manifest(self.index_dir) as manifest:
            roots = {root.id: root.path for root in manifest.roots()}
        root = roots.get(hit.root)
        if root is None:
            return None
        return root / hit.path

    def leads_outside(self, hit: Hit, path: Path) -> bool:
        """Whether `path` (hit's source file) now resolves outside its indexed folder:
        a file replaced by a link to elsewhere since it was indexed is not opened."""
        from index.manifest import Manifest

        with Manifest(self.index_dir) as manifest:
            roots = {root.id: root.path for root in manifest.roots()}
        root = roots.get(hit.root)
        try:
            return root is None or not path.resolve().is_relative_to(root.resolve())
        except (OSError, RuntimeError):  # a link loop
            return True
