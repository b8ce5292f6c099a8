"""Control characters in documents never reach the terminal (BEL, ESC: a document
could ring, set the terminal's title or its colours), and never shift highlights."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from index.chunking import chunk_plain
from index.documents import Document, Paragraph
from index.indexer import index_paths
from index.whoosh.storage import ParagraphWriter, create_index
from search.cli.main import main
from search.engine import Engine

# Every C0 control but newline (which ends our own lines), DEL and the C1 controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
SGR = re.compile("\x1b\\[[0-9;]*m")  # rich's own colour codes
BELL = "The bell\x07\x07\x07 rang loudly before the ceasefire talks began."
ESCAPE = "A \x1b]0;pwned\x07 title-setting \x9b31m escape next to ceasefire."
NEIGHBOUR = "Then the \x1b[31mred\x1b[0m text."


@pytest.fixture(scope="module")
def old_index(tmp_path_factory) -> Path:
    """An index as the indexer wrote it before it dropped control characters."""
    index_dir = tmp_path_factory.mktemp("controls") / "index"
    writer = ParagraphWriter(create_index(index_dir), index_dir)
    doc = Document(
        doc_id="esc\x1b[2J.txt",
        title="Report\x07 on bells",
        paragraphs=[
            Paragraph(1, BELL, heading="Bells\x1b[5m"),
            Paragraph(2, ESCAPE),
            Paragraph(3, NEIGHBOUR),
        ],
        lang="en",
        format="txt",
    )
    writer.add_document(doc, "root/esc.txt", "root", "esc\x1b[2J.txt")
    writer.commit()
    return index_dir


def run(index_dir: Path, capsys, *args: str) -> str:
    code = main(["--index", str(index_dir), *args])
    out, _ = capsys.readouterr()
    assert code == 0
    return out


def test_plain_output_shows_control_characters_as_pictures(old_index, capsys):
    out = run(old_index, capsys, "--color", "never", "-C", "1", "ceasefire")
    assert not RAW.search(out), RAW.findall(out)
    assert "The bell␇␇␇ rang" in out
    assert "A ␛]0;pwned␇ title-setting \ufffd31m escape" in out
    assert "1. Report␇ on bells" in out and "esc␛[2J.txt ¶1 · § Bells␛[5m" in out
    assert "Then the ␛[31mred␛[0m text." in out  # a context line


def test_colour_output_highlights_exactly_the_matched_word(old_index, capsys):
    out = run(old_index, capsys, "--color", "always", "-C", "1", "ceasefire")
    lit = re.findall("\x1b\\[1;31m(.*?)\x1b\\[0m", out)
    assert lit and set(lit) == {"ceasefire"}
    assert not RAW.search(SGR.sub("", out)), RAW.findall(SGR.sub("", out))
    assert "The bell␇␇␇ rang" in out


def test_json_keeps_the_exact_text_and_offsets(old_index, capsys):
    out = run(old_index, capsys, "--json", "ceasefire")
    assert not RAW.search(out)  # escaped, C1 too (json.dumps writes those raw)
    hits = [json.loads(line) for line in out.splitlines()[:-1]]
    assert {h["text"] for h in hits} == {BELL, ESCAPE}
    for h in hits:
        assert [h["text"][s:e] for s, e in h["highlights"]] == ["ceasefire"]


def test_file_list_shows_control_characters_as_pictures(old_index, capsys):
    assert run(old_index, capsys, "-l", "ceasefire") == "esc␛[2J.txt\n"


def test_indexing_drops_control_characters(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bell.txt").write_text(f"Report\x07 on bells\n\n{BELL}\n\nBells\x1b[5m\n\n{ESCAPE}\n")
    record = {"id": "r1", "title": "Title\x1b]0;x\x07 here", "text": NEIGHBOUR, "author": "A\x00B"}
    (folder / "news.jsonl").write_text(json.dumps(record) + "\n")
    index_paths([folder], tmp_path / "index")
    with Engine(tmp_path / "index") as engine:
        stored = list(engine.backend.searcher.documents())
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


def test_the_terminal_app_shows_control_characters_as_pictures(old_index):
    """The result list and the document view, through Textual's pilot."""
    from search.tui.app import SearchApp
    from search.tui.widgets.document import DocumentView
    from search.tui.widgets.results import ResultList
    from tests.tui_helpers import SIZE, is_match_style, rendered_lines, run, settle, wait_ready

    def screen_text(*widgets) -> tuple[str, list[str]]:
        segments = [seg for w in widgets for line in rendered_lines(w) for seg in line]
        lit = [s.text for s in segments if s.style is not None and is_match_style(s.style)]
        return "".join(s.text for s in segments), lit

    async def scenario():
        app = SearchApp(index_option=str(old_index), history_path=None)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await pilot.press(*"ceasefire")
            await settle(pilot)
            results = app.screen.query_one(ResultList)
            assert len(results.hits) == 2
            assert BELL in {h.text for h in results.hits}  # the hits keep the stored text
            shown, lit = screen_text(results)
            assert not RAW.search(shown), RAW.findall(shown)
            assert "bell␇␇␇ rang" in shown and "A ␛]0;pwned␇" in shown
            assert set(lit) == {"ceasefire"}
            await pilot.press("down", "enter")
            await settle(pilot)
            view = app.screen.query_one(DocumentView)
            assert len(view.blocks) == 3
            shown, lit = screen_text(app.screen.query_one("#doc-title"), *view.blocks)
            assert not RAW.search(shown), RAW.findall(shown)
            assert "Report␇ on bells" in shown and "esc␛[2J.txt" in shown
            assert "§ Bells␛[5m" in shown and "Then the ␛[31mred␛[0m text." in shown
            assert set(lit) == {"ceasefire"}

    run(scenario)
