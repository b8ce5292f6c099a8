"""One bound on what a file may expand to once read, whatever its format.

The size limit on disk (index.indexer.MAX_FILE_BYTES) says nothing of what a file
becomes in memory: a 1 MB `.docx` can inflate to gigabytes, one line of a
compressed JSON Lines file can be longer than the machine's memory, and a few
hundred bytes of YAML aliases nest into a structure whose text never ends. Every
reader is held to the same bound, MAX_EXPANDED_BYTES, by the reader framework
(index.formats.reader_for):

- a container whose parts are inflated (a `.docx` zip) is measured from its
  directory before any part is read (zipfile never inflates a part past the size
  it declares, so the sum is a true bound);
- a stream is read through `bounded_lines`, which never holds a line longer than
  the bound (it is skipped, with a warning, and the rest of the file read);
- each document a reader yields is measured, and one past the bound is refused;
- metadata (front matter, JSON fields) is taken only as plain values: strings,
  numbers, dates, and flat lists of them (`plain_text`, `plain_list`);
- nesting too deep for the parser (RecursionError) is this file's error.
"""

from __future__ import annotations

import datetime as _dt
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from index.decoding import Unreadable, Unsupported

MAX_EXPANDED_BYTES = 64 * 1024 * 1024
# At most this many items of a metadata list (authors, tags) are kept.
MAX_LIST_ITEMS = 1000
# A metadata value longer than this (a title, an author) is cut.
MAX_VALUE_CHARS = 10_000
_CHUNK = 1 << 20


def expands_past(limit: int | None = None) -> str:
    """The reason a file is skipped: the same words for every format."""
    limit = MAX_EXPANDED_BYTES if limit is None else limit
    return f"expands past {limit >> 20} MiB, not read to keep memory bounded"


class TooLarge(Unsupported):
    """A file that would expand past the bound: skipped (and listed), never read whole."""

    def __init__(self, limit: int | None = None):
        super().__init__(expands_past(limit))


class TooDeep(Unreadable):
    """Data nested deeper than its parser can follow."""

    def __init__(self) -> None:
        super().__init__("nested too deeply to read")


def check_zip(path: Path, limit: int | None = None) -> None:
    """Refuse a zip package whose parts together inflate past `limit`."""
    limit = MAX_EXPANDED_BYTES if limit is None else limit
    try:
        with zipfile.ZipFile(path) as package:
            total = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the reader says so in its own words
    if total > limit:
        raise TooLarge(limit)


# Formats whose files are zip packages, inflated part by part by their parser.
ZIP_FORMATS = {".docx"}


def check_container(path: Path, fmt: str, limit: int | None = None) -> None:
    """What can be known of a file's expansion before reading it."""
    if fmt in ZIP_FORMATS:
        check_zip(path, limit)


def document_bytes(doc) -> int:
    """About what a document holds in memory as UTF-8 (characters, a lower bound)."""
    size = len(doc.title) + len(doc.source) + len(doc.author)
    size += sum(len(t) for t in doc.tags)
    return size + sum(len(p.text) + len(p.heading) for p in doc.paragraphs)


def bounded_documents(documents: Iterator, limit: int | None = None) -> Iterator:
    """`documents`, refusing one that holds more than `limit`, and turning a parser's
    RecursionError into this file's error rather than the run's."""
    limit = MAX_EXPANDED_BYTES if limit is None else limit
    try:
        for doc in documents:
            if document_bytes(doc) > limit:
                raise TooLarge(limit)
            yield doc
    except RecursionError:
        raise TooDeep() from None


def bounded_lines(
    stream: IO[str],
    on_too_long: Callable[[int], None],
    limit: int | None = None,
) -> Iterator[tuple[int, str]]:
    """(line number, line) of a text stream, never holding more than `limit` characters.

    A longer line is read past in chunks, not kept; `on_too_long(line_no)` hears of it.
    """
    limit = MAX_EXPANDED_BYTES if limit is None else limit
    line_no = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        line_no += 1
        if len(line) <= limit or (len(line) == limit + 1 and line.endswith("\n")):
            yield line_no, line
            continue
        while not line.endswith("\n"):  # read past the rest of the line, keeping none
            line = stream.readline(_CHUNK)
            if not line:
                break
        on_too_long(line_no)


_PLAIN = (str, int, float, _dt.date)


def plain_text(value: object, limit: int | None = MAX_VALUE_CHARS) -> str:
    """A metadata value as one trimmed string: a string, a number, a date, or a flat
    list of those joined with ", ". Anything else (a mapping, a nested list, YAML
    aliases nesting without end) is no plain value and gives "". `limit` cuts a
    long value (None: a document's text, held to the document bound instead)."""
    if isinstance(value, list):
        items = (plain_text(v, limit) for v in value[:MAX_LIST_ITEMS] if _is_scalar(v))
        joined = ", ".join(v for v in items if v)
        return joined if limit is None else joined[:limit]
    if isinstance(value, str):
        return value.strip() if limit is None else value[: limit * 2].strip()[:limit]
    if _is_scalar(value):
        return str(value)
    return ""


def plain_list(value: object) -> list[str]:
    """Tags from a flat list or a comma-separated string; other values give none."""
    if isinstance(value, str):
        value = value[: MAX_VALUE_CHARS * 10].split(",")
    if not isinstance(value, list):
        return []
    texts = (plain_text(v) for v in value[:MAX_LIST_ITEMS] if _is_scalar(v))
    return [t for t in texts if t]


def plain_value(value: object) -> object:
    """`value` when it is a scalar (what a date may be given as), else None."""
    return value if _is_scalar(value) else None


def _is_scalar(value: object) -> bool:
    return isinstance(value, _PLAIN) and not isinstance(value, bool)


def shown_value(value: object, limit: int = 80) -> str:
    """A short repr of a metadata value for a warning, whatever it holds."""
    if not _is_scalar(value):
        return f"a {type(value).__name__}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
