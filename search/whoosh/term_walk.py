"""The words of a field that start with a prefix, read from a segment's term file in
blocks.

Whoosh's `SegmentReader.expand_prefix` yields each word through five nested
generators, with a seek and a read per word for its two lengths and another for
its bytes. Did-you-mean walks every word that starts with the first letter of
the typed one (thousands, at every search that finds little, the one-shot
included), so that overhead is most of its time. Here the same entries of the
same ordered table (`whoosh.filedb.filetables.OrderedHashReader`: per entry two
big-endian int32 lengths, the key `field number + word`, then the value) are
read a block at a time and cut up with `struct.unpack_from`. Any reader this
does not recognise (another codec, a MultiReader) gets Whoosh's own walk.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

_LENGTHS = struct.Struct("!ii")  # = whoosh.filedb.filetables._lengths
_FIELD_NUMBER = struct.Struct("!H")  # = whoosh.system.pack_ushort (the W3 key coder)
BLOCK = 1 << 16


def prefix_terms(reader, fieldname: str, prefix: str | bytes) -> Iterator[bytes]:
    """The words (bytes) of `fieldname` in `reader` that start with `prefix`, in order:
    what `reader.expand_prefix(fieldname, prefix)` yields."""
    table, key = _table_and_key(reader, fieldname, prefix)
    if table is None:
        yield from reader.expand_prefix(fieldname, prefix)
        return
    if key is None:  # the field has no words in this segment
        return
    pos = table.closest_key_pos(key)
    if pos is None:
        return
    yield from _walk(table, pos, key)


def _table_and_key(reader, fieldname: str, prefix: str | bytes):
    """(the W3 term table, its key for `prefix`), (table, None) when the field has
    no words there, or (None, None) when `reader` is not one this module knows."""
    from whoosh.codec.whoosh3 import W3TermsReader
    from whoosh.filedb.filetables import OrderedHashReader
    from whoosh.reading import SegmentReader

    if type(reader) is not SegmentReader:
        return None, None
    terms = getattr(reader, "_terms", None)
    if type(terms) is not W3TermsReader:
        return None, None
    table = getattr(terms, "_tindex", None)
    if not isinstance(table, OrderedHashReader) or fieldname not in reader.schema:
        return None, None
    number = terms._fieldmap.get(fieldname)
    if number is None:
        return table, None
    return table, _FIELD_NUMBER.pack(number) + reader._text_to_bytes(fieldname, prefix)


def _walk(table, pos: int, key: bytes) -> Iterator[bytes]:
    """Entries from `pos` while their keys start with `key`, read BLOCK bytes at a time."""
    dbfile, end = table.dbfile, table.endofdata
    cut = _FIELD_NUMBER.size  # the words come without their field number
    head = _LENGTHS.size
    buf, base = b"", pos  # buf holds the file from offset `base`
    while pos < end:
        at = pos - base
        if at + head > len(buf):
            buf, base, at = dbfile.get(pos, min(max(BLOCK, head), end - pos)), pos, 0
        keylen, datalen = _LENGTHS.unpack_from(buf, at)
        if at + head + keylen > len(buf):
            buf = dbfile.get(pos, min(max(BLOCK, head + keylen), end - pos))
            base, at = pos, 0
        word = buf[at + head : at + head + keylen]
        if not word.startswith(key):
            return
        yield word[cut:]
        pos += head + keylen + datalen
