"""What the indexer writes through: a store that takes whole files' paragraphs.

The indexer (index.indexer) decides what to read, what changed and when to commit;
a store only adds and deletes paragraphs, and makes a batch visible on commit.
The Whoosh store is index.whoosh.storage.ParagraphWriter.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from index.documents import Document


class ParagraphStore(ABC):
    """One batch of writes; nothing is visible until `commit()`."""

    @abstractmethod
    def delete_file(self, key: str) -> None:
        """Remove every paragraph of the file `key` (file_key)."""

    @abstractmethod
    def add_document(self, doc: Document, key: str, root_id: str, relpath: str) -> int:
        """Add every paragraph of `doc` from file `key`; returns how many."""

    @abstractmethod
    def commit(self) -> None:
        """Make the batch visible in one step; on failure the last commit stays."""

    @abstractmethod
    def cancel(self) -> None:
        """Drop the batch (best effort: it runs after errors)."""
