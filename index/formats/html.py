"""Web pages saved as HTML: the article body, without navigation and boilerplate.

trafilatura finds the main text and the page's metadata (title, date, author,
site name); its XML output keeps headings (`<head>`) apart from paragraphs, so
headings become the `heading` of the paragraphs below them. A page with no
article text (a bare index page, an empty body) is skipped, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from index.chunking import collapse, fallback_title, number
from index.dates import parse_date
from index.decoding import Unreadable, Unsupported, decode_text
from index.documents import Document

_HTML_LANG = re.compile(
    rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)", re.I
)


def _element_text(element) -> str:
    return collapse(" ".join(element.itertext()))


def article_blocks(main) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs from trafilatura's `<main>` element."""
    pieces: list[tuple[str, str]] = []
    heading = ""
    for element in main:
        tag = element.tag
        if tag == "head":
            heading = _element_text(element)
            continue
        if tag == "list":
            items = [_element_text(item) for item in element.iter("item")]
            text = " ".join(f"• {t}" for t in items if t)
        elif tag == "table":
            rows = []
            for row in element.iter("row"):
                cells = [_element_text(cell) for cell in row.iter("cell")]
                rows.append(" | ".join(c for c in cells if c))
            text = "; ".join(r for r in rows if r)
        else:  # p, quote, code, and anything trafilatura adds later
            text = _element_text(element)
        if text:
            pieces.append((heading, text))
    return pieces


def extract(data: bytes) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(metadata, blocks) of a page; blocks are empty when it has no article text."""
    import trafilatura
    from lxml import etree

    html = decode_text(data)
    xml = trafilatura.extract(
        html,
        output_format="xml",
        with_metadata=True,
        include_formatting=False,
        include_tables=True,
        include_comments=False,
        favor_recall=True,
    )
    if not xml:
        return {}, []
    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"could not read the extracted article ({exc})") from None
    main = root.find("main")
    meta = {k: (v or "").strip() for k, v in root.attrib.items()}
    return meta, article_blocks(main) if main is not None else []


def read_html(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    data = path.read_bytes()
    meta, pieces = extract(data)
    title = meta.get("title", "")
    # The page's <h1> usually repeats the title; it is not a section heading.
    paragraphs = number(("" if h == title else h, text) for h, text in pieces)
    if not paragraphs:
        raise Unsupported("no article text in the page")
    lang = _HTML_LANG.search(data[:4096])
    yield Document(
        doc_id="",
        title=title or fallback_title(paragraphs),
        paragraphs=paragraphs,
        has_real_title=bool(title),
        date=parse_date(meta.get("date")),
        source=meta.get("sitename", ""),
        author=meta.get("author", ""),
        lang=lang.group(1).decode("ascii") if lang else "",
        format="html",
        tags=[t.strip() for t in meta.get("tags", "").split(",") if t.strip()],
    )
