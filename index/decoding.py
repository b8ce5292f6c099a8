"""Bytes to text: UTF-8 first, then charset detection; binary data is refused."""

from __future__ import annotations

from index.errors import SearchToolError

SNIFF_BYTES = 8192


class Unsupported(SearchToolError):
    """A file we skip on purpose (binary, empty, unknown format); counted, not an error."""


class Unreadable(SearchToolError):
    """A file we meant to index but could not read or decode; reported as an error."""


def looks_binary(sample: bytes) -> bool:
    """NUL bytes do not occur in text in any encoding we index (UTF-16 aside)."""
    return b"\x00" in sample


_WESTERN_SYMBOLS = set("£€¥¢©®°±·«»–—‘’‚“”„…•§¶×÷¿¡ªº")


def _mostly_western(data: bytes, max_share: float = 0.1) -> str | None:
    """Windows-1252 text that is mostly ASCII with some accents or symbols (£, é, ’).

    Detectors guess wildly on such files (one £ in a BBC article reads as Japanese),
    and they are the commonest non-UTF-8 text in Western archives.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    extra = [c for c in text if ord(c) > 127]
    if len(extra) > max_share * len(text):
        return None
    if all(c.isalpha() or c in _WESTERN_SYMBOLS for c in extra):
        return text
    return None


def decode_text(data: bytes) -> str:
    """Decode file contents, detecting the encoding when the bytes are not UTF-8."""
    if not data.strip():
        raise Unsupported("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Unreadable(f"invalid UTF-16: {exc.reason}") from None
    if looks_binary(data[:SNIFF_BYTES]):
        raise Unsupported("binary data")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    western = _mostly_western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is None:
        raise Unreadable("not text in any encoding we recognise")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise Unreadable(f"could not decode as {best.encoding}") from None
