"""Files that are not UTF-8: each is decoded in the encoding it was written in.

The sentences are short on purpose: short texts dense in accents or symbols are
where charset detection guesses wrong (Windows-1250 for French, `£` read as `Ł`).
"""

from __future__ import annotations

import pytest

from index.decoding import Unsupported, decode_text

WRITTEN_IN = [
    ("Le café coûte 2 £ à Zürich.\n", "latin-1"),
    ("El niño comió pingüino en la montaña, ¿verdad? Sí, señor.\n", "cp1252"),
    ("A população não está satisfeita com a situação económica.\n", "latin-1"),
    ("He said “no” — and left… for good. It cost £5.\n", "cp1252"),
    ("Grüße aus Köln, schön hier.\n", "latin-1"),
    ("Regeringen vil øge støtten til børnefamilier på grund af de høje priser.\n", "latin-1"),
    (
        "Vláda ve středu schválila nová opatření na podporu domácností. Příspěvek na "
        "bydlení se zvýší a žádosti bude možné podávat elektronicky až do konce března.\n",
        "cp1250",
    ),
    (
        "Rząd w środę przyjął nowe środki wsparcia dla gospodarstw domowych. Dodatek "
        "mieszkaniowy wzrośnie, a wnioski będzie można składać do końca marca.\n",
        "cp1250",
    ),
    (
        "A kormány szerdán új intézkedéseket fogadott el a háztartások támogatására, "
        "a lakhatási támogatás nő.\n",
        "cp1250",
    ),
    (
        "Правительство в среду одобрило новые меры поддержки домохозяйств. "
        "Жилищная субсидия будет увеличена.\n",
        "cp1251",
    ),
]


@pytest.mark.parametrize(("text", "encoding"), WRITTEN_IN, ids=[e for _, e in WRITTEN_IN])
def test_decoded_as_written(text, encoding):
    assert decode_text(text.encode(encoding)) == text


def test_utf8_and_utf16_need_no_guessing():
    text = "Zürich, Łódź, Москва\n"
    assert decode_text(text.encode("utf-8")) == text
    assert decode_text(text.encode("utf-16")) == text


def test_empty_and_binary_are_refused():
    with pytest.raises(Unsupported):
        decode_text(b"  \n")
    with pytest.raises(Unsupported):
        decode_text(b"PK\x03\x04\x00\x00binary")
