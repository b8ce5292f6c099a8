"""Markdown notes: front matter becomes fields, headings become `heading`, markup goes.

Front matter (YAML between `---` lines, read with python-frontmatter): `title`,
`date`, `source`, `author`, `lang`/`language`, `tags`. Without a `title`, the
first `# ` heading before any text is the title. Paragraph text is the rendered
text (markdown-it-py): emphasis markers, link targets, image URLs and inline HTML
are dropped, link and image text kept, so the stored paragraph reads as prose.
A whole list is one paragraph ("• one • two"), a table one paragraph of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from index.bounds import plain_value, shown_value
from index.chunking import collapse, fallback_title, number
from index.dates import parse_date
from index.decoding import Unsupported, decode_text
from index.documents import Document
from index.formats.records import tag_list, text_value

_CONTAINERS = {"bullet_list_open", "ordered_list_open", "table_open"}


def _inline(token) -> str:
    """The readable text of an inline token: words, code and image alt text."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)  # the alt text
    return collapse("".join(parts))


def split_front_matter(text: str) -> tuple[dict, str]:
    """(metadata, body); a front matter block that is not valid YAML is kept as text."""
    import frontmatter

    try:
        post = frontmatter.loads(text)
    except Exception:  # yaml raises several error kinds on bad front matter
        return {}, text
    meta = post.metadata if isinstance(post.metadata, dict) else {}
    return meta, post.content


def markdown_blocks(body: str, take_title: bool = True) -> tuple[str, list[tuple[str, str]]]:
    """(title, [(heading, paragraph text)]); with `take_title`, a `# ` heading before any
    text is the title rather than a heading."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    title, heading = "", ""
    pieces: list[tuple[str, str]] = []
    container: list[str] | None = None  # texts of the open top-level list or table
    depth = 0
    row: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open" and container is None:
            name = _inline(tokens[i + 1])
            if take_title and tok.tag == "h1" and not title and not pieces:
                title = name
            else:
                heading = name
            i += 3
            continue
        if tok.type in _CONTAINERS:
            if container is None:
                container, depth = [], 0
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close", "table_close"):
            depth -= 1
            if container is not None and depth == 0:
                text = collapse(" ".join(container))
                if text:
                    pieces.append((heading, text))
                container = None
        elif tok.type == "inline":
            text = _inline(tok)
            if container is None:
                if text:
                    pieces.append((heading, text))
            elif tok.level and tokens[i - 1].type in ("th_open", "td_open"):
                row.append(text)
            elif text:
                container.append("• " + text)
        elif tok.type == "tr_close" and container is not None:
            container.append(" | ".join(row) + ";")
            row = []
        elif tok.type in ("fence", "code_block") and container is None:
            text = collapse(tok.content)
            if text:
                pieces.append((heading, text))
        i += 1
    return title, pieces


def read_markdown(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    meta, body = split_front_matter(decode_text(path.read_bytes()))
    given_title = text_value(meta.get("title"))
    first_heading, pieces = markdown_blocks(body, take_title=not given_title)
    paragraphs = number(pieces)
    if not paragraphs:
        raise Unsupported("no text")
    title = given_title or first_heading
    raw_date = meta.get("date")
    date = parse_date(plain_value(raw_date))
    if raw_date is not None and date is None:
        warn(
            f"front matter date {shown_value(raw_date)} is not a date we can read; "
            "indexed without one"
        )
    yield Document(
        doc_id="",  # the indexer sets the relative path
        title=title or fallback_title(paragraphs),
        paragraphs=paragraphs,
        has_real_title=bool(title),
        date=date,
        source=text_value(meta.get("source")),
        author=text_value(meta.get("author")),
        lang=text_value(meta.get("lang") or meta.get("language")),
        format="md",
        tags=tag_list(meta.get("tags")),
    )
