"""Control characters in documents never reach the terminal (BEL, ESC: a document
could ring, set the terminal's title or its colours), and never shift highlights."""

from __future__ import annotations

import json
import re

from index.chunking import chunk_plain
from index.indexer import index_paths
from search.engine import Engine

# Every C0 control but newline (which ends our own lines), DEL and the C1 controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
BELL = "The bell\x07\x07\x07 rang loudly before the ceasefire talks began."
ESCAPE = "A \x1b]0;pwned\x07 title-setting \x9b31m escape next to ceasefire."
NEIGHBOUR = "Then the \x1b[31mred\x1b[0m text."


def test_indexing_drops_control_characters(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bell.txt").write_text(f"Report\x07 on bells\n\n{BELL}\n\nBells\x1b[5m\n\n{ESCAPE}\n")
    record = {"id": "r1", "title": "Title\x1b]0;x\x07 here", "text": NEIGHBOUR, "author": "A\x00B"}
    (folder / "news.jsonl").write_text(json.dumps(record) + "\n")
    index_paths([folder], tmp_path / "index")
    with Engine(tmp_path / "index") as engine:
        stored = list(engine.searcher.documents())
    assert len(stored) == 3
    for fields in stored:
        for name in ("text", "title", "heading", "author"):
            assert not RAW.search(fields.get(name, "")), (name, fields.get(name))
    by_text = {f["text"]: f for f in stored}
    assert set(by_text) == {
        "The bell rang loudly before the ceasefire talks began.",
        "A ]0;pwned title-setting 31m escape next to ceasefire.",
        "Then the [31mred[0m text.",
    }
    assert by_text["Then the [31mred[0m text."]["title"] == "Title]0;x here"
    assert by_text["Then the [31mred[0m text."]["author"] == "AB"
    ceasefire = by_text["The bell rang loudly before the ceasefire talks began."]
    assert ceasefire["title"] == "Report on bells"
    assert (
        by_text["A ]0;pwned title-setting 31m escape next to ceasefire."]["heading"] == "Bells[5m"
    )


def test_whitespace_controls_still_separate_words():
    """Tab, form feed, the separators 0x1c-0x1f and NEL are whitespace, not dropped."""
    _, paragraphs = chunk_plain("one\ttwo\x0cthree\x1cfour\x85five\x07six", detect_headings=False)
    assert [p.text for p in paragraphs] == ["one two three four fivesix"]


def test_a_paragraph_of_control_characters_only_is_no_paragraph():
    _, paragraphs = chunk_plain(
        "First paragraph.\n\n\x07\x1b\n\nSecond one.", detect_headings=False
    )
    assert [(p.number, p.text) for p in paragraphs] == [(1, "First paragraph."), (2, "Second one.")]
