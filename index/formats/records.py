"""JSON Lines: one document per line, the layout of the corpora we test on.

Field mapping: `id` -> doc_id (required; the line number when absent), `title`,
`text` (paragraphs separated by blank lines), `date` (ISO 8601), `source`,
`author`, `lang`. Other keys are ignored. `.jsonl.gz` and `.jsonl.xz` are read
compressed, streaming, so a large collection never sits in memory whole.
"""

from __future__ import annotations

import gzip
import json
import lzma
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from index.chunking import chunk_plain, fallback_title
from index.decoding import Unreadable
from index.documents import Document


def parse_date(value: object) -> datetime | None:
    """ISO 8601 dates and datetimes; anything else is treated as unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


def _open(path: Path):
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    if name.endswith(".xz"):
        return lzma.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def record_to_document(record: dict, line_no: int) -> Document | None:
    """Map one JSON object to a Document; None when it has no text or title."""
    raw_id = record.get("id", record.get("_id"))
    doc_id = str(raw_id) if raw_id not in (None, "") else f"line-{line_no}"
    title = _text(record.get("title"))
    _, paragraphs = chunk_plain(_text(record.get("text")), detect_headings=False)
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
        date=parse_date(record.get("date")),
        source=_text(record.get("source")),
        author=_text(record.get("author")),
        lang=_text(record.get("lang")),
        format="jsonl",
    )


def read_jsonl(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    try:
        yield from _read_lines(path, warn)
    except (lzma.LZMAError, zlib.error) as exc:  # not OSErrors, unlike gzip's own
        raise Unreadable(f"damaged compressed data ({exc})") from None


def _read_lines(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    with _open(path) as lines:
        for line_no, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                warn(f"line {line_no}: not JSON ({exc.msg})")
                continue
            if not isinstance(record, dict):
                warn(f"line {line_no}: not a JSON object")
                continue
            document = record_to_document(record, line_no)
            if document is not None:
                yield document
