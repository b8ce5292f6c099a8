"""Document text made safe for a terminal: control characters shown, not obeyed.

The indexer drops control characters (index.chunking), but an index built before it
did still holds them, and a file name can hold any. Written raw, ESC and BEL let a
document set the terminal's title or colours; dropped (as rich drops BEL), they shift
the highlight spans, which are offsets into the stored text. So each is replaced one
for one: C0 controls and DEL by their Unicode control pictures (BEL shows as ␇, ESC
as ␛), C1 controls by U+FFFD.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.results import Hit

_PICTURES = {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421}
_SHOWN = _PICTURES | {c: 0xFFFD for c in range(0x80, 0xA0)}
# json.dumps(ensure_ascii=False) escapes C0 controls but writes DEL and C1 raw (0x9b is
# an 8-bit CSI to some terminals); inside a JSON string \u escapes say the same.
_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in range(0x7F, 0xA0)}


def printable(text: str) -> str:
    """`text` with every control character replaced by one visible character."""
    return text.translate(_SHOWN)


def json_printable(line: str) -> str:
    """A line of JSON with DEL and C1 controls escaped: the same JSON, safe to show."""
    return line.translate(_JSON_ESCAPES)


def printable_hit(hit: Hit) -> Hit:
    """A copy of `hit` to show: its texts printable, spans and numbers unchanged."""
    return dataclasses.replace(
        hit,
        title=printable(hit.title),
        heading=printable(hit.heading),
        text=printable(hit.text),
        path=printable(hit.path),
        doc_id=printable(hit.doc_id),
        source=printable(hit.source),
        missing=[printable(word) for word in hit.missing],
        explain=[dataclasses.replace(s, word=printable(s.word)) for s in hit.explain],
        before=[printable_hit(h) for h in hit.before],
        after=[printable_hit(h) for h in hit.after],
        copies=[_printable_place(place) for place in hit.copies],
    )


def _printable_place(place: dict) -> dict:
    return {k: printable(v) if isinstance(v, str) else v for k, v in place.items()}
