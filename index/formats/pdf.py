"""PDF files: text per page (pypdf), paragraphs rebuilt from the page's lines.

PDF text comes as lines with no paragraph marks, so paragraphs are rebuilt:
- a line ending a sentence ends its paragraph when the next line's first word
  would have fitted on it (the break was the author's, not the line wrap's);
- a word hyphenated at a line end is joined when the next line goes on in lower case;
- a short line without final punctuation between paragraphs is a heading;
- lines that are only a page number are dropped;
- a paragraph cut by a page break (no final punctuation, the next page going on
  in lower case) is joined again.
Each paragraph keeps its (first) page number. Title, author and date come from the PDF
metadata when present. Encrypted PDFs that open with an empty password are read;
others, and damaged files, are reported as unreadable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from index import bounds
from index.chunking import (
    ENDS_SENTENCE,
    collapse,
    continues_sentence,
    fallback_title,
    looks_like_heading,
    split_long,
)
from index.dates import parse_date
from index.decoding import Unreadable, Unsupported
from index.documents import Document, Paragraph

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d+(?:\s*(?:/|of)\s*\d+)?\s*$", re.I)
_HYPHENATED = re.compile(r"[^\W\d_]-$")


def page_blocks(text: str, width: int = 0) -> list[tuple[bool, str]]:
    """(is_heading, text) blocks rebuilt from one page's extracted lines.

    `width`: the longest line seen on earlier pages, so a short last page is not
    taken to be a narrow column.
    """
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if ln and not _PAGE_NUMBER.match(ln)]
    if not lines:
        return []
    width = max(width, *(len(ln) for ln in lines))
    blocks: list[tuple[bool, str]] = []
    # The lines of the block being built, as pieces joined once at its end (joining
    # line by line would copy the block at every line: quadratic on a long page).
    current: list[str] = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        starts_block = not current
        if (
            starts_block
            and nxt
            and len(line) < 0.7 * width
            and looks_like_heading(line)
            and not ENDS_SENTENCE.search(line)
        ):
            blocks.append((True, collapse(line)))
            continue
        if current and _HYPHENATED.search(current[-1]) and line[:1].islower():
            current[-1] = current[-1][:-1] + line
        else:
            current.append(line)
        first_word = nxt.split(" ", 1)[0] if nxt else ""
        fits = len(line) + 1 + len(first_word) <= width
        if not nxt or (ENDS_SENTENCE.search(line) and fits):
            blocks.append((False, collapse(" ".join(current))))
            current = []
    if current:
        blocks.append((False, collapse(" ".join(current))))
    return blocks


def continues(paragraphs: list[Paragraph], block: str) -> bool:
    """Whether a page's first block goes on with the previous page's last paragraph."""
    return bool(paragraphs) and continues_sentence(paragraphs[-1].text, block)


def _open(path: Path):
    import logging

    from pypdf import PdfReader

    # pypdf logs its repairs of damaged files; the indexer reports problems itself.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # pypdf raises DependencyError, NotImplementedError...
                raise Unreadable(f"encrypted PDF that cannot be opened ({exc})") from None
            if not opened:
                raise Unreadable("encrypted PDF: it needs a password")
        _ = len(reader.pages)
    except Unreadable:
        raise
    except Exception as exc:  # pypdf's errors on damaged files are of many kinds
        raise Unreadable(f"not a readable PDF ({type(exc).__name__}: {exc})") from None
    return reader


def _meta(reader, warn) -> tuple[str, str, object]:
    try:
        meta = reader.metadata
        if meta is None:
            return "", "", None
        created = None
        try:
            created = meta.creation_date or meta.modification_date
        except Exception:  # a malformed date string in the metadata
            warn("the PDF's creation date is malformed; indexed without a date")
        return collapse(meta.title or ""), collapse(meta.author or ""), created
    except Exception as exc:
        warn(f"could not read the PDF's metadata ({exc})")
        return "", "", None


def read_pdf(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    reader = _open(path)
    title, author, created = _meta(reader, warn)
    paragraphs: list[Paragraph] = []
    heading = ""
    empty_pages = 0
    width = 0
    held = 0
    for page_no, page in enumerate(reader.pages, 1):
        try:
            text = page.extract_text() or ""
        except Exception as exc:
            why = (str(exc).strip().splitlines() or [""])[0][:160]
            kind = type(exc).__name__
            warn(f"page {page_no}: could not extract text ({kind}{': ' + why if why else ''})")
            continue
        held += len(text)
        if held > bounds.MAX_EXPANDED_BYTES:
            raise bounds.TooLarge()
        blocks = page_blocks(text, width)
        width = max([width, *(len(ln.strip()) for ln in text.splitlines())])
        if not blocks:
            empty_pages += 1
        for i, (is_heading, block) in enumerate(blocks):
            if is_heading:
                heading = block
                continue
            if i == 0 and continues(paragraphs, block):
                # A paragraph running over the page break: it keeps its first page.
                last = paragraphs.pop()
                block = f"{last.text} {block}"
                heading, page = last.heading, last.page
            else:
                page = page_no
            for piece in split_long(block):
                paragraphs.append(Paragraph(len(paragraphs) + 1, piece, heading, page))
    if empty_pages:
        warn(f"{empty_pages} page(s) have no text layer (scanned images are not read)")
    if not paragraphs:
        raise Unsupported("no text layer in the PDF")
    yield Document(
        doc_id="",
        title=title or fallback_title(paragraphs),
        paragraphs=paragraphs,
        has_real_title=bool(title),
        date=parse_date(created),
        author=author,
        format="pdf",
    )
