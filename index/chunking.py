"""Split a document's text into paragraphs and the headings above them.

Rules (documented in the README):
- Blank lines separate paragraphs; lines inside a paragraph are joined (hard wraps).
- A blank line inside a sentence does not end its paragraph: a block without final
  punctuation followed by one that goes on in lower case is one paragraph (text
  double-spaced by a converter; the PDF reader applies the same rule at page breaks).
- A text with no blank line at all has one paragraph per line (the seed's layout).
- Headings are not paragraphs: markdown `#` lines, and in plain text a short line
  without final punctuation that stands between ordinary paragraphs. A heading
  becomes the `heading` of the paragraphs after it.
- Paragraphs are numbered from 1 in reading order; headings take no number.
- Paragraphs longer than MAX_PARAGRAPH_CHARS are cut at sentence ends so one
  giant line cannot become one giant stored field.
- Control characters other than whitespace (BEL, ESC, NUL...) are dropped: shown on
  a terminal they ring, set its title or its colours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from index.documents import Document, Paragraph

MAX_HEADING_CHARS = 150
MAX_HEADING_WORDS = 25
MAX_PARAGRAPH_CHARS = 4000
TITLE_WORDS = 10

_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_SPACES = re.compile(r"\s+")
# C0, DEL and C1 controls, but not those Python counts as whitespace (tab, newline,
# the separators 0x1c-0x1f, NEL): `collapse` turns those into spaces.
_CONTROLS = re.compile(
    "[" + "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if not chr(c).isspace()) + "]"
)
_CLOSERS = "\"'”’»)]*_ \t"
_FINAL_PUNCT = tuple(".!?,;:…")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
ENDS_SENTENCE = re.compile(r"[.!?:…][\"'”’»)\]]*$")


def normalise_newlines(text: str) -> str:
    """Unify line endings and drop a byte-order mark."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def collapse(text: str) -> str:
    """Join hard-wrapped lines, squeeze runs of whitespace, drop control characters."""
    return _SPACES.sub(" ", drop_controls(text)).strip()


def drop_controls(text: str) -> str:
    """`text` without its non-whitespace control characters (see the module's rules)."""
    return _CONTROLS.sub("", text)


def drop_document_controls(doc: Document) -> None:
    """Control characters out of every field a reader fills: paragraphs pass through
    `collapse`, but a JSON title, a page's metadata or a PDF's author may not."""
    doc.title, doc.source, doc.author = map(drop_controls, (doc.title, doc.source, doc.author))
    doc.tags = [drop_controls(tag) for tag in doc.tags]
    for p in doc.paragraphs:
        p.text, p.heading = drop_controls(p.text), drop_controls(p.heading)


def looks_like_heading(block: str) -> bool:
    """A short single line with letters and no sentence-final punctuation."""
    if "\n" in block.strip() or len(block) > MAX_HEADING_CHARS:
        return False
    stripped = block.strip().rstrip(_CLOSERS)
    if not stripped or stripped.endswith(_FINAL_PUNCT):
        return False
    words = stripped.split()
    return len(words) <= MAX_HEADING_WORDS and any(c.isalpha() for c in stripped)


def split_blocks(text: str) -> list[str]:
    """Blank-line separated blocks, or one block per line when there is no blank line."""
    text = normalise_newlines(text).strip("\n")
    if not text.strip():
        return []
    if _BLANK_LINE.search(text):
        blocks = _BLANK_LINE.split(text)
    else:
        blocks = text.split("\n")
    return [b for b in blocks if b.strip()]


def continues_sentence(previous: str, block: str) -> bool:
    """Whether `block` goes on with the sentence `previous` left open: a break (blank
    line, page) that a converter put inside a sentence, not one the author made."""
    return bool(previous) and not ENDS_SENTENCE.search(previous) and block[:1].islower()


def join_broken_sentences(blocks: list[str]) -> list[str]:
    """Blocks with the breaks inside a sentence taken out (see `continues_sentence`).

    Linear in the text: a run of blocks to join is collected and joined once, and
    only its last block is looked at (a joined block ends as its last part does),
    so a million one-letter blocks are no million re-scans of a growing string."""
    joined: list[str] = []
    run: list[str] = []
    for block in blocks:
        if run and continues_sentence(run[-1], block):
            run.append(block)
            continue
        if run:
            joined.append(" ".join(run))
        run = [block]
    if run:
        joined.append(" ".join(run))
    return joined


def split_long(text: str, limit: int = MAX_PARAGRAPH_CHARS) -> Iterator[str]:
    """Cut an over-long paragraph at sentence ends (or spaces) into pieces under `limit`.

    Linear in the text: it moves an offset along instead of copying the rest of
    the text after every piece."""
    start, end = 0, len(text)
    while end - start > limit:
        window = text[start : start + limit]
        cut = max((m.end() for m in _SENTENCE_END.finditer(window)), default=0)
        if cut < limit // 2:
            space = window.rfind(" ")
            cut = space + 1 if space > limit // 2 else limit
        piece = window[:cut].strip()
        if piece:
            yield piece
        start += cut
        while start < end and text[start].isspace():
            start += 1
    rest = text[start:].strip()
    if rest:
        yield rest


def number(pieces: Iterable[tuple[str, str]]) -> list[Paragraph]:
    """Turn (heading, text) pairs into numbered paragraphs, cutting over-long ones."""
    out: list[Paragraph] = []
    for heading, text in pieces:
        for piece in split_long(text):
            out.append(Paragraph(number=len(out) + 1, text=piece, heading=heading))
    return out


def chunk_plain(text: str, detect_headings: bool = True) -> tuple[str, list[Paragraph]]:
    """Chunk plain text. Returns (title, paragraphs); title is "" when none is evident.

    A first block that looks like a heading and is followed by more text is the
    document's title (the BBC files' layout).
    """
    collapsed = (collapse(b) for b in split_blocks(text))
    blocks = join_broken_sentences([b for b in collapsed if b])  # "" was control characters
    title = ""
    if detect_headings and len(blocks) > 1 and looks_like_heading(blocks[0]):
        title, blocks = blocks[0], blocks[1:]
    candidate = [detect_headings and looks_like_heading(b) for b in blocks]
    pieces: list[tuple[str, str]] = []
    heading = ""
    for i, block in enumerate(blocks):
        prev_is_candidate = i > 0 and candidate[i - 1]
        next_is_paragraph = i + 1 < len(blocks) and not candidate[i + 1]
        if candidate[i] and next_is_paragraph and not prev_is_candidate:
            heading = block
            continue
        pieces.append((heading, block))
    return title, number(pieces)


def chunk_markdown(text: str) -> tuple[str, list[Paragraph]]:
    """Chunk markdown: `#` and setext headings set the heading; the first `# ` is the title."""
    lines = normalise_newlines(text).split("\n")
    title = ""
    heading = ""
    pieces: list[tuple[str, str]] = []
    buffer: list[str] = []

    def flush() -> None:
        block = collapse(" ".join(buffer))
        buffer.clear()
        if block:
            pieces.append((heading, block))

    i = 0
    while i < len(lines):
        line = lines[i]
        atx = _MD_HEADING.match(line)
        underline = _SETEXT.match(lines[i + 1]) if i + 1 < len(lines) else None
        if atx or (underline and line.strip() and not buffer):
            flush()
            if atx:
                level, name = len(atx.group(1)), collapse(atx.group(2))
            else:
                level, name = (1 if underline.group(1)[0] == "=" else 2), collapse(line)
                i += 1  # the underline belongs to this heading
            if level == 1 and not title and not pieces:
                title = name
            else:
                heading = name
        elif line.strip():
            buffer.append(line)
        else:
            flush()
        i += 1
    flush()
    return title, number(pieces)


def fallback_title(paragraphs: list[Paragraph], words: int = TITLE_WORDS) -> str:
    """A title made from the first words, for documents that carry none."""
    if not paragraphs:
        return ""
    tokens = paragraphs[0].text.split()
    head = " ".join(tokens[:words])
    return head + ("…" if len(tokens) > words else "")
