"""Word documents (.docx) through python-docx.

Paragraph styles carry the structure: "Title" is the title (when the core
properties give none), "Heading N" sets the heading of the paragraphs below it,
every other non-empty paragraph is a paragraph. A table becomes one paragraph of
rows ("a | b; c | d"). Title, author, date (created, else modified) and language
come from the core properties.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from index.chunking import collapse, fallback_title, number
from index.dates import parse_date
from index.decoding import Unreadable, Unsupported
from index.documents import Document


def _open(path: Path):
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile):
        raise Unreadable("not a Word document (.docx is a zip package; this is not one)") from None
    except (KeyError, ValueError, OSError) as exc:
        raise Unreadable(f"damaged Word document ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # lxml and python-docx raise assorted errors on odd packages
        raise Unreadable(f"damaged Word document ({type(exc).__name__})") from None


def _style(paragraph) -> str:
    try:
        return paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return ""


def read_docx(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    from docx.table import Table

    document = _open(path)
    props = document.core_properties
    title = collapse(props.title or "")
    heading = ""
    pieces: list[tuple[str, str]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells = [collapse(c.text) for c in row.cells]
                rows.append(" | ".join(dict.fromkeys(c for c in cells if c)))  # merged cells
            text = "; ".join(r for r in rows if r)
            if text:
                pieces.append((heading, text))
            continue
        text = collapse(block.text)
        if not text:
            continue
        style = _style(block)
        if style == "Title":
            title = title or text
        elif style.startswith("Heading"):
            heading = text
        else:
            pieces.append((heading, text))
    paragraphs = number(pieces)
    if not paragraphs:
        raise Unsupported("no text in the document")
    yield Document(
        doc_id="",
        title=title or fallback_title(paragraphs),
        paragraphs=paragraphs,
        has_real_title=bool(title),
        date=parse_date(props.created or props.modified),
        author=collapse(props.author or ""),
        lang=props.language or "",
        format="docx",
        tags=[t.strip() for t in (props.keywords or "").split(",") if t.strip()],
    )
