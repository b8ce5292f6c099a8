"""Format readers: one module per kind of file, chosen by file name suffix.

A reader is `read(path, warn) -> Iterator[Document]`. Readers are imported only
when a file of their kind turns up, so a parser library loads only when needed.
`reader_for` holds every reader to one bound on what a file may expand to
(index.bounds).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

from index.documents import Document

Reader = Callable[[Path, Callable[[str], None]], Iterator[Document]]

# suffix -> "module:function" (module relative to this package)
READERS: dict[str, str] = {
    ".txt": "text:read_text",
    ".text": "text:read_text",
    ".md": "markdown:read_markdown",
    ".markdown": "markdown:read_markdown",
    ".html": "html:read_html",
    ".htm": "html:read_html",
    ".xhtml": "html:read_html",
    ".pdf": "pdf:read_pdf",
    ".docx": "word:read_docx",
    ".eml": "mail:read_eml",
    ".mbox": "mail:read_mbox",
    ".json": "records:read_json",
    ".jsonl": "records:read_jsonl",
    ".jsonl.gz": "records:read_jsonl",
    ".jsonl.xz": "records:read_jsonl",
    ".ndjson": "records:read_jsonl",
}


def format_of(path: Path) -> str | None:
    """The READERS key that applies to `path`, or None when we cannot read it."""
    name = path.name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return None


def reader_for(fmt: str) -> Reader:
    """The reader of `fmt`, held to the bound of index.bounds: a file that would
    expand past it is skipped, whatever its format."""
    module_name, func = READERS[fmt].split(":")
    module = importlib.import_module(f"{__name__}.{module_name}")
    read = getattr(module, func)

    def bounded(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
        from index.bounds import bounded_documents, check_container

        check_container(path, fmt)
        yield from bounded_documents(read(path, warn))

    return bounded
