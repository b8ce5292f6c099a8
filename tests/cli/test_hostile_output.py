"""Text from documents and file names on a terminal (issue 18, findings 6, 7, 9):
control, bidi, zero-width and separator characters shown as marks, markup never
parsed, in the one-shot output, `-l`, the index report, watch lines, the progress
bar and the TUI."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from index.indexer import IndexReport, index_paths
from search.cli import main
from search.cli.index_report import print_report
from search.display.printable import printable

# What must never reach a terminal raw (newline aside, which ends our own lines).
HIDDEN = (
    "\x00-\x09\x0b-\x1f\x7f-\x9f"
    "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
    "\u200b-\u200d\u2060\ufeff\u2028\u2029"
)
RAW = re.compile(f"[{HIDDEN}]")
SGR = re.compile("\x1b\\[[0-9;]*m")  # rich's own colour codes
TOKENS = [
    "a", "b", " ", "[", "]", "/", "=", "@",
    "\x1b]0;PWN\x07", "\x1b[2J", "\x07", "\n", "\r", "\t", "\x9b", "\x7f",
    "\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c",
    "\u200b", "\u200d", "\u2060", "\ufeff", "\u2028", "\u2029",
    "[bold]", "[/]", "[/x]", "[@click=app.quit]", "[link=file:///etc]",
]  # fmt: skip
hostile = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8).map("".join)


def _shown(text: str) -> str:
    """What a terminal would be asked to show: our colour codes taken out."""
    return SGR.sub("", text)


def _render(renderable) -> str:
    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor", width=200)
    console.print(renderable)
    return console.file.getvalue()


def test_printable_marks_every_hidden_character_one_for_one():
    for c in map(chr, [0x202E, 0x2066, 0x2069, 0x200B, 0x200D, 0x2060, 0xFEFF, 0x061C, 0x200E]):
        assert printable(f"a{c}b") == "a\ufffdb"
    assert printable("a\u2028b\u2029c") == "a␤b␤c"
    assert printable("report\u202efdp.txt") == "report\ufffdfdp.txt"
    assert printable("bad\udcffname") == "bad\ufffdname"  # bytes that were not UTF-8


def test_file_names_cannot_write_escapes_or_forge_report_lines(tmp_path, cli):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("The harbour ferry runs daily.\n")
    (docs / "\x1b]0;PWN\x07a.bin").write_text("x")
    (docs / "b.bin\nsearch: error: forged line").write_text("x")
    (docs / "[bold]c[red].bin").write_text("x")
    (docs / "report\u202efdp.txt").write_text("The harbour report.\n")
    done = cli("index", str(docs), "--index", str(tmp_path / "ix"))
    assert done.returncode == 0, done.stderr
    assert not RAW.search(done.stderr), RAW.findall(done.stderr)
    assert "forged line" in done.stderr
    assert not any(line.startswith("search: error: forged") for line in done.stderr.splitlines())
    assert "[bold]c[red].bin" in done.stderr
    for args in (["-l", "harbour"], ["harbour"], ["--color", "always", "harbour"]):
        out = cli(*args, "--index", str(tmp_path / "ix")).stdout
        assert not RAW.search(_shown(out)), (args, RAW.findall(_shown(out)))
        assert "report\ufffdfdp.txt" in out


def test_watch_lines_and_the_progress_label_are_printable(tmp_path):
    from search.cli.progress import ProgressBar

    report = IndexReport(errors=[("a\x1b[2J\nb", "why\u202e")], skipped=[("[/x]", "r")])
    out = io.StringIO()
    print_report(report, tmp_path, out=out)
    assert not RAW.search(out.getvalue())
    bar = ProgressBar(show_after=0)  # at once: the bar waits half a second otherwise
    bar.update(0, 100, "a[/x]b\x1b]0;t\x07[@click=app.quit]")
    try:
        progress = bar._progress
        shown = _render(progress.make_tasks_table(progress.tasks))
    finally:
        bar.close()
    assert "a[/x]b␛]0;t␇[@click=app.quit]"[-30:] in _shown(shown).replace("\n", "")
    assert not RAW.search(_shown(shown))


def test_a_title_with_markup_neither_crashes_nor_acts_in_the_tui(tmp_path):
    from textual.widgets._toast import Toast

    from search.tui.app import SearchApp
    from tests.tui_helpers import SIZE, run, settle, wait_ready

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Budget [/x] plan\n\nThe budget grows.\n")
    (docs / "b.md").write_text("# [@click=app.quit] budget\n\nA budget note.\n")
    index_paths([docs], tmp_path / "ix")
    seen: list[str] = []

    async def scenario():
        app = SearchApp(index_option=str(tmp_path / "ix"), history_path=None)
        app.copy_to_clipboard = lambda text: None
        # Notifications on: their toasts are where the markup was parsed.
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await wait_ready(pilot)
            await pilot.press(*"budget")
            await settle(pilot)
            for _ in range(2):
                await pilot.press("down", "y")
                await settle(pilot)
            await pilot.pause(0.2)
            toasts = list(app.screen.query(Toast))
            assert toasts
            seen.extend(str(toast.render()) for toast in toasts)
            assert app.is_running and not app.error

    run(scenario)
    assert any("Budget [/x] plan" in m for m in seen), seen
    assert any("[@click=app.quit] budget" in m for m in seen), seen


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(name=hostile, title=hostile, text=hostile)
def test_hostile_names_and_texts_never_reach_the_terminal_raw(name, title, text):
    from search.engine import Engine
    from search.tui.widgets.document import header_text, paragraph_text
    from search.tui.widgets.results import hit_prompt

    work = Path(tempfile.mkdtemp(prefix="search-hostile-out-"))
    try:
        docs = work / "docs"
        docs.mkdir()
        safe = name.replace("/", "∕").strip(".") or "x"
        (docs / f"{safe}.md").write_text(f"# harbour {title}\n\nThe harbour {text} ferry.\n")
        (docs / f"{safe}.bin").write_text("x")  # a skipped file: a report line naming it
        report = index_paths([docs], work / "ix")
        out = io.StringIO()
        print_report(report, work / "ix", out=out)
        assert not RAW.search(out.getvalue()), out.getvalue()
        outputs = []
        for args in (["harbour"], ["-l", "harbour"], ["--color", "always", "-C", "1", "harbour"]):
            buffer = io.StringIO()
            import contextlib

            with contextlib.redirect_stdout(buffer):
                assert main(["--index", str(work / "ix"), *args]) == 0
            outputs.append(_shown(buffer.getvalue()))
        for shown in outputs:
            assert not RAW.search(shown), RAW.findall(shown)
        assert len(outputs[1].splitlines()) == 1  # `-l`: one line per file, whatever its name
        hits = Engine(work / "ix").search("harbour").hits
        assert hits
        for hit in hits:
            for renderable in (hit_prompt(hit), header_text(hit), paragraph_text(hit, True)):
                shown = _shown(_render(renderable))
                assert not RAW.search(shown), RAW.findall(shown)
            if "[bold]" in re.split("[\n\r]", title)[0]:  # markup in a title stays text
                assert "[bold]" in _render(header_text(hit))
    finally:
        shutil.rmtree(work, ignore_errors=True)
