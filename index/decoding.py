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


# The accented letters of the languages written in Windows-1252 and Windows-1250.
# A reading of a file whose accented letters all belong to one language is a
# plausible one; Czech read as cp1252 (`støedu`) or French read as cp1250 (`coűte
# 2 Ł ŕ`) mixes letters no language has together.
_ALPHABETS = {
    "fr": "àâæçéèêëîïôœùûüÿ",
    "de": "äöüß",
    "es": "áéíñóúü",
    "pt": "áâãàçéêíóôõú",
    "it": "àèéìíîòóù",
    "nl": "áéëïóöü",
    "da": "æøåé",
    "sv": "åäöé",
    "is": "áðéíóúýþæö",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "pl": "ąćęłńóśźż",
    "hu": "áéíóöőúüű",
    "ro": "ăâîșşțţ",
    "hr": "čćđšž",
    "sl": "čšž",
}


def _accented(text: str) -> str:
    return "".join(c for c in text.lower() if ord(c) > 127 and c.isalpha())


def _one_language(letters: str) -> bool:
    found = set(letters)
    return any(found <= set(alphabet) for alphabet in _ALPHABETS.values())


def _prefer_western(data: bytes, guess: str) -> str | None:
    """The Windows-1252 reading of `data` when it is more plausible than `guess`.

    Short Western texts dense in accents or symbols (`Le café coûte 2 £ à Zürich.`,
    `It cost £5.` with curly quotes) give the detector too little to go on; it
    often picks Windows-1250, turning `£` into `Ł` and `à` into `ŕ`. The cp1252
    reading wins when its accented letters belong to one language and the guess's
    do not, or when it needs fewer accented letters to say the same.
    """
    western = _mostly_western(data, max_share=1.0)
    if western is None or western == guess:
        return None
    ours, theirs = _accented(western), _accented(guess)
    if not _one_language(ours):
        return None
    if not _one_language(theirs) or len(ours) < len(theirs):
        return western
    return None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few bad bytes (a damaged copy, one pasted Latin-1 word), with
    those bytes as U+FFFD. Read as another encoding, every accented letter of it would
    go wrong (`café` as `cafĂ©`); a legacy 8-bit text, in turn, hardly ever holds a
    valid multi-byte UTF-8 sequence by chance, let alone several for each bad byte."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for c in text if ord(c) > 127) - text.count("\ufffd")
    return text if good >= UTF8_GOOD_PER_BAD * max(bad, 1) else None


# A text is taken for UTF-8 with some damage when it has at least this many valid
# multi-byte characters for each bad byte sequence.
UTF8_GOOD_PER_BAD = 3


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
    utf8 = _mostly_utf8(data)
    if utf8 is not None:
        return utf8
    western = _mostly_western(data)
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is None:
        raise Unreadable("not text in any encoding we recognise")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise Unreadable(f"could not decode as {best.encoding}") from None
    return _prefer_western(data, text) or text
