"""Plain text files in any common encoding: one document each, doc_id = relative path.

(Markdown has its own reader, `markdown.py`.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from index.chunking import chunk_plain, fallback_title
from index.decoding import Unsupported, decode_text
from index.documents import Document


def _document(path: Path, title: str, paragraphs, fmt: str) -> Iterator[Document]:
    if not paragraphs:
        raise Unsupported("no text")
    real = bool(title)
    yield Document(
        doc_id="",  # the indexer sets the relative path
        title=title or fallback_title(paragraphs),
        paragraphs=paragraphs,
        has_real_title=real,
        format=fmt,
    )


def read_text(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    title, paragraphs = chunk_plain(decode_text(path.read_bytes()))
    yield from _document(path, title, paragraphs, "txt")
