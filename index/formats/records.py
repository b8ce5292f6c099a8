"""JSON records: `.jsonl` (one per line, streamed) and `.json` (an array, or one object).

Field mapping (first key present wins; other keys are ignored):
  doc_id  <- `id`, `_id` (else the line or array position)
  title   <- `title`, `headline`, `subject`
  text    <- `text`, `body`, `content` (paragraphs separated by blank lines)
  date    <- `date`, `published`, `published_at`, `created` (ISO 8601, 'YYYY', 'YYYY-MM')
  source  <- `source`, `site`, `publisher`
  author  <- `author`, `authors`, `by` (a list is joined with ", ")
  lang    <- `lang`, `language`
  tags    <- `tags`, `keywords`, `topics` (a list, or a comma-separated string)
`.jsonl.gz` and `.jsonl.xz` are read compressed, streaming, so a large collection
never sits in memory whole.
"""

from __future__ import annotations

import gzip
import json
import lzma
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from index import bounds, read_position
from index.bounds import (
    TooDeep,
    bounded_lines,
    plain_list,
    plain_text,
    plain_value,
)
from index.chunking import chunk_plain, fallback_title
from index.dates import parse_date
from index.decoding import Unreadable, Unsupported, decode_text
from index.documents import Document

ID_KEYS = ("id", "_id")
TITLE_KEYS = ("title", "headline", "subject")
TEXT_KEYS = ("text", "body", "content")
DATE_KEYS = ("date", "published", "published_at", "created")
SOURCE_KEYS = ("source", "site", "publisher")
AUTHOR_KEYS = ("author", "authors", "by")
LANG_KEYS = ("lang", "language")
TAG_KEYS = ("tags", "keywords", "topics")


def _open(path: Path):
    """The lines of a (compressed) JSON Lines file, telling read_position how far
    into the file on disk they have got (for progress by bytes)."""
    import io

    name = path.name.lower()
    raw = open(path, "rb")  # noqa: SIM115 (the caller's `with` closes it)
    try:
        if name.endswith(".gz"):
            binary = gzip.GzipFile(fileobj=raw, mode="rb")
        elif name.endswith(".xz"):
            binary = lzma.LZMAFile(raw, "rb")  # noqa: SIM115 (closed with the lines)
        else:
            binary = raw
        lines = io.TextIOWrapper(binary, encoding="utf-8", errors="replace")
    except BaseException:
        raw.close()
        raise
    if binary is not raw:  # closing the wrapper closes the decompressor, not `raw`
        lines = _closing_both(lines, raw)
    read_position.follow(raw.tell)
    return lines


class _closing_both:
    """A text stream that also closes the raw file under its decompressor."""

    def __init__(self, lines, raw):
        self._lines, self._raw = lines, raw

    def __iter__(self):
        return iter(self._lines)

    def readline(self, size: int = -1) -> str:
        return self._lines.readline(size)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._lines.close()
        finally:
            self._raw.close()


def _first(record: dict, keys: tuple[str, ...]) -> object:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", []):
            return value
    return None


def text_value(value: object) -> str:
    """A metadata value as one trimmed string (a list of names is joined); only plain
    values count, so a nested structure cannot expand without end."""
    return plain_text(value)


def tag_list(value: object) -> list[str]:
    """Tags from a list or a comma-separated string."""
    return plain_list(value)


def record_to_document(record: dict, position: int, fmt: str = "jsonl") -> Document | None:
    """Map one JSON object to a Document; None when it has no text or title."""
    raw_id = _first(record, ID_KEYS)
    doc_id = plain_text(raw_id) or f"line-{position}"
    title = text_value(_first(record, TITLE_KEYS))
    body = plain_text(_first(record, TEXT_KEYS), limit=None)
    _, paragraphs = chunk_plain(body, detect_headings=False)
    if not paragraphs and title:
        # Title-only records (Reuters BRIEFs) are still findable by their title.
        _, paragraphs = chunk_plain(title, detect_headings=False)
    if not paragraphs:
        return None
    return Document(
        doc_id=doc_id,
        title=title or fallback_title(paragraphs),
        paragraphs=paragraphs,
        has_real_title=bool(title),
        date=parse_date(plain_value(_first(record, DATE_KEYS))),
        source=text_value(_first(record, SOURCE_KEYS)),
        author=text_value(_first(record, AUTHOR_KEYS)),
        lang=text_value(_first(record, LANG_KEYS)),
        format=fmt,
        tags=tag_list(_first(record, TAG_KEYS)),
    )


class SkippedRecord(str):
    """A reader's warning that is a record left out: the indexer counts and lists it
    as skipped (`reuters.jsonl line 12: no title and no text`), not as a warning, so
    the summary's "skipped" says how many records went in nowhere."""

    where: str
    reason: str

    def __new__(cls, where: str, reason: str = "a record with no title and no text"):
        made = super().__new__(cls, f"{where}: {reason}")
        made.where, made.reason = where, reason
        return made


class UniqueIds:
    """Doc ids seen in one file. Two records with one `id` would become one document
    (their paragraphs mixed, each shown as the other's context): the later one is
    kept apart as `id (2)`, with a warning."""

    def __init__(self, warn: Callable[[str], None]):
        self.warn, self.seen = warn, Counter[str]()

    def __call__(self, document: Document, where: str) -> Document:
        doc_id = document.doc_id
        self.seen[doc_id] += 1
        if self.seen[doc_id] > 1:
            unique = f"{doc_id} ({self.seen[doc_id]})"
            while unique in self.seen:
                unique += "'"
            self.seen[unique] += 1
            self.warn(f"{where}: id {doc_id!r} is used before; indexed as {unique!r}")
            document.doc_id = unique
        return document


def read_jsonl(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    try:
        yield from _read_lines(path, warn)
    except (lzma.LZMAError, zlib.error) as exc:  # not OSErrors, unlike gzip's own
        raise Unreadable(f"damaged compressed data ({exc})") from None


def _read_lines(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    unique = UniqueIds(warn)

    def too_long(line_no: int) -> None:
        warn(f"line {line_no}: skipped: expands past {bounds.MAX_EXPANDED_BYTES >> 20} MiB")

    with _open(path) as stream:
        for line_no, line in bounded_lines(stream, too_long):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                warn(f"line {line_no}: not JSON ({exc.msg})")
                continue
            except RecursionError:  # one line's nesting must not lose the rest
                warn(f"line {line_no}: nested too deeply to read")
                continue
            if not isinstance(record, dict):
                warn(f"line {line_no}: not a JSON object")
                continue
            document = record_to_document(record, line_no)
            if document is None:
                warn(SkippedRecord(f"line {line_no}"))
            else:
                yield unique(document, f"line {line_no}")


def read_json(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    """A JSON array of records, `{"documents": [...]}`, or a single record."""
    try:
        data = json.loads(decode_text(path.read_bytes()))
    except json.JSONDecodeError as exc:
        raise Unreadable(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise TooDeep() from None
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        data = data["documents"]
    records = data if isinstance(data, list) else [data]
    unique = UniqueIds(warn)
    found = False
    for position, record in enumerate(records, 1):
        if not isinstance(record, dict):
            warn(f"item {position}: not a JSON object")
            continue
        document = record_to_document(record, position, fmt="json")
        if document is None:
            warn(SkippedRecord(f"item {position}"))
        else:
            if document.doc_id == f"line-{position}":
                document.doc_id = f"item-{position}"
            found = True
            yield unique(document, f"item {position}")
    if not found:
        raise Unsupported("no records with text")
