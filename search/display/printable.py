"""Document text made safe for a terminal: control characters shown, not obeyed.

The indexer drops control characters (index.chunking), but an index built before it
did still holds them, and a file name can hold any. Written raw, ESC and BEL let a
document set the terminal's title or colours; dropped (as rich drops BEL), they shift
the highlight spans, which are offsets into the stored text. So each is replaced one
for one: C0 controls and DEL by their Unicode control pictures (BEL shows as ␇, ESC
as ␛), C1 controls, bidi and zero-width characters by U+FFFD (�), the line and
paragraph separators by ␤.

`printable` is the one function every text from a document or a file name goes
through on its way to a terminal: the one-shot output, the index report, watch
messages, progress labels and the TUI (which also renders it as plain rich `Text`,
never as markup: see `plain_text`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.results import Hit

_PICTURES = {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421}
# Characters that change how the text around them is shown without showing
# themselves: bidi embeddings, overrides and isolates (U+202E makes
# "report\u202Efdp.txt" read "reporttxt.pdf"), bidi marks, zero-width characters,
# and line/paragraph separators (a terminal may break the line there, forging one).
BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
ZERO_WIDTH = [*range(0x200B, 0x200E), 0x2060, 0xFEFF]
SEPARATORS = [0x2028, 0x2029]
_INVISIBLE = {c: 0xFFFD for c in [*BIDI, *ZERO_WIDTH]} | {c: 0x2424 for c in SEPARATORS}
# A file name's bytes that are not UTF-8 arrive as lone surrogates, which no
# terminal encoding can write.
_SURROGATES = {c: 0xFFFD for c in range(0xD800, 0xE000)}
_SHOWN = _PICTURES | {c: 0xFFFD for c in range(0x80, 0xA0)} | _INVISIBLE | _SURROGATES
# json.dumps(ensure_ascii=False) escapes C0 controls but writes DEL and C1 raw (0x9b is
# an 8-bit CSI to some terminals); inside a JSON string \u escapes say the same.
_JSON_ESCAPES = {
    c: f"\\u{c:04x}"
    for c in [*range(0x7F, 0xA0), *BIDI, *ZERO_WIDTH, *SEPARATORS, *range(0xD800, 0xE000)]
}


def printable(text: str) -> str:
    """`text` with every control character replaced by one visible character."""
    return text.translate(_SHOWN)


def plain_text(text: str, style: str = ""):
    """`text` made printable, as a rich `Text` that is never parsed as markup (a title
    `[@click=app.quit]` stays those characters)."""
    from rich.text import Text

    return Text(printable(text), style=style)


def json_printable(line: str) -> str:
    """A line of JSON with DEL, C1, bidi and zero-width characters escaped: the same
    JSON, safe to show."""
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
