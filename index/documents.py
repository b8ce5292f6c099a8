"""Plain records that flow from the format readers to the writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Paragraph:
    """One searchable unit: a paragraph and the heading it sits under.

    `number` counts the document's paragraphs from 1 in reading order; headings are
    not paragraphs and do not take a number, so numbers stay stable when only a
    heading's wording changes.
    """

    number: int
    text: str
    heading: str = ""
    page: int | None = None


@dataclass
class Document:
    """A document as a reader understood it, before it is split into paragraphs."""

    doc_id: str
    title: str  # what people see; never empty once chunked
    paragraphs: list[Paragraph] = field(default_factory=list)
    has_real_title: bool = True  # False when the title was made up from the first words
    date: datetime | None = None
    source: str = ""
    author: str = ""
    lang: str = ""  # ISO 639-1 code when known ("en", "de", "ar"); set by the indexer if not
    format: str = ""
    tags: list[str] = field(default_factory=list)
