"""Mail: single messages (.eml) and mailboxes (.mbox), with the standard library.

Subject -> title, Date -> date, From -> author, Message-ID -> doc_id (mbox; else
the message's position). The body is the plain-text part, or the HTML part's
article text when there is no plain one. Kept out of the body where cheap to
detect: quoted lines ("> ..."), the "On ... wrote:" line above them, forwarded
"-----Original Message-----" blocks, and the signature after "-- ".
"""

from __future__ import annotations

import email
import re
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path

from index import bounds, read_position
from index.chunking import chunk_plain, collapse, fallback_title
from index.dates import parse_date
from index.decoding import Unsupported
from index.documents import Document

_WROTE = re.compile(r"^(on\b.*\bwrote:|am\b.*\bschrieb\b.*:)\s*$", re.I)
_ORIGINAL = re.compile(r"^-{2,}\s*(original message|forwarded message)\s*-{2,}", re.I)


def clean_body(text: str) -> str:
    """The author's own words: no quoted reply, no signature."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if line.rstrip("\n") in ("-- ", "--") or _ORIGINAL.match(stripped):
            break  # signature or a forwarded copy: the rest is not this message's text
        if stripped.startswith(">"):
            continue
        kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and _WROTE.match(kept[-1].strip()):
        kept.pop()
    return "\n".join(kept)


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        from index.formats.html import extract

        _, blocks = extract(content.encode("utf-8"))
        return "\n\n".join(text for _, text in blocks)
    return content


def message_document(message: EmailMessage, fallback_id: str) -> Document | None:
    """One message as a Document; None when it has no text at all."""
    subject = collapse(str(message.get("subject", "") or ""))
    _, paragraphs = chunk_plain(clean_body(_body(message)), detect_headings=False)
    if not paragraphs and subject:
        _, paragraphs = chunk_plain(subject, detect_headings=False)
    if not paragraphs:
        return None
    message_id = str(message.get("message-id", "") or "").strip().strip("<>")
    return Document(
        doc_id=message_id or fallback_id,
        title=subject or fallback_title(paragraphs),
        paragraphs=paragraphs,
        has_real_title=bool(subject),
        date=parse_date(str(message.get("date", "") or "")),
        author=collapse(str(message.get("from", "") or "")),
        lang=str(message.get("content-language", "") or ""),
        format="eml",
    )


def read_eml(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    with open(path, "rb") as fh:
        message = email.message_from_binary_file(fh, policy=policy.default)
    if not message.keys():
        raise Unsupported("no mail headers")
    document = message_document(message, "")
    if document is None:
        raise Unsupported("no text in the message")
    yield document


def read_mbox(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    """Messages one at a time: a large mailbox is never in memory whole."""
    import mailbox

    box = mailbox.mbox(path, factory=None, create=False)
    found = False
    reached = [0]  # the end of the message being read, for progress by bytes
    read_position.follow(lambda: reached[0])
    try:
        for position, key in enumerate(box.iterkeys(), 1):
            span = (getattr(box, "_toc", None) or {}).get(key)  # (start, end) offsets
            if span:
                reached[0] = span[-1]
            try:
                with box.get_file(key) as fh:
                    raw = fh.read(bounds.MAX_EXPANDED_BYTES + 1)
                if len(raw) > bounds.MAX_EXPANDED_BYTES:
                    warn(f"message {position}: skipped: {bounds.expands_past()}")
                    continue
                message = email.message_from_bytes(raw, policy=policy.default)
                document = message_document(message, f"message-{position}")
            except Exception as exc:  # one broken message must not lose the rest
                warn(f"message {position}: could not be read ({type(exc).__name__})")
                continue
            if document is not None:
                document.format = "mbox"
                found = True
                yield document
    finally:
        box.close()
    if not found:
        raise Unsupported("no messages with text")
