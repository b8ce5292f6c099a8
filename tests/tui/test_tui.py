"""Pilot tests of the terminal app against a real seeds index (no mocks)."""

from __future__ import annotations

from pathlib import Path

from search.tui.app import SearchApp
from search.tui.screens.document import DocumentScreen
from search.tui.screens.help import HelpScreen
from search.tui.screens.search import SearchScreen
from search.tui.widgets.document import DocumentView
from search.tui.widgets.query_input import QueryInput
from search.tui.widgets.results import ResultList
from search.tui.widgets.status import StatusLine
from tests.tui_helpers import SIZE, is_match_style, rendered_lines, run, settle, wait_ready


def make_app(index: Path | None, history: Path | None = None, **kwargs) -> SearchApp:
    return SearchApp(index_option=str(index) if index else None, history_path=history, **kwargs)


def status_of(app: SearchApp) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def type_query(pilot, text: str) -> None:
    await pilot.press(*text) if text else None
    await settle(pilot)


def test_typing_shows_two_highlighted_hits(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasefire")
            results = app.screen.query_one(ResultList)
            assert len(results.hits) == 2
            assert "2 paragraphs match" in status_of(app)
            lit_by_option: dict[int, list[str]] = {}
            for line in rendered_lines(results):
                for seg in line:
                    if seg.style is not None and is_match_style(seg.style):
                        option = (seg.style.meta or {}).get("option")
                        lit_by_option.setdefault(option, []).append(seg.text)
            assert sorted(lit_by_option) == [0, 1]
            for texts in lit_by_option.values():
                assert any(t.lower() == "ceasefire" for t in texts), texts

    run(scenario)


def test_open_document_shows_hit_paragraph_and_back(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=(80, 16)) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasefire")
            await pilot.press("down")  # from the query box into the results
            results = app.screen.query_one(ResultList)
            assert app.focused is results
            await pilot.press("j")
            assert results.highlighted == 1
            chosen = results.selected_hit
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, DocumentScreen)
            view = app.screen.query_one(DocumentView)
            block = view.hit_block
            assert block is not None and block.para.paragraph == chosen.paragraph
            assert len(view.blocks) > 1  # the whole document, not just the hit
            # on screen: inside the visible part of the document view
            assert block.region.area > 0
            assert view.region.overlaps(block.region)
            assert view.scroll_y > 0 or block.region.y < view.region.bottom
            assert "ceasefire" in block.para.text[slice(*block.para.highlights[0])].lower()
            await pilot.press("n")
            assert view.current is not None
            assert "Match 1 of" in str(app.screen.query_one("#doc-status").render())
            await pilot.press("escape")
            assert isinstance(app.screen, SearchScreen)
            assert len(app.screen.query_one(ResultList).hits) == 2

    run(scenario)


def test_preview_follows_the_selection(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasefire")
            preview = app.screen.query_one("#preview", DocumentView)
            results = app.screen.query_one(ResultList)
            assert preview.hit == results.hits[0]
            await pilot.press("down", "down")
            await settle(pilot)
            assert preview.hit == results.hits[1]
            assert preview.hit_block.para.paragraph == results.hits[1].paragraph

    run(scenario)


def test_history_is_recalled_across_runs(seeds_index, tmp_path):
    history = tmp_path / "history.txt"

    async def first():
        app = make_app(seeds_index, history)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "moscow")
            await pilot.press("enter")
            await pilot.press("slash", "ctrl+u")  # back to the box, clear it
            await type_query(pilot, "ceasefire")
            await pilot.press("enter")

    async def second():
        app = make_app(seeds_index, history)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            box = app.screen.query_one(QueryInput)
            await pilot.press(*"draft")
            await pilot.press("up")
            assert box.value == "ceasefire"
            await pilot.press("up")
            assert box.value == "moscow"
            await pilot.press("down", "down")
            assert box.value == "draft"
            await pilot.press("up")
            await settle(pilot)
            assert len(app.screen.query_one(ResultList).hits) == 2  # the recalled query ran

    run(first)
    assert history.read_text(encoding="utf-8").splitlines() == ["moscow", "ceasefire"]
    run(second)


def test_no_hits_says_so_and_offers_a_real_word(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasfire")
            assert app.screen.query_one(ResultList).hits == []
            status = status_of(app)
            assert "No paragraph matches 'ceasfire'" in status
            assert "Did you mean ceasefire?" in status
            await pilot.press("f2")
            await settle(pilot)
            assert app.screen.query_one(QueryInput).value == "ceasefire"
            assert len(app.screen.query_one(ResultList).hits) == 2

    run(scenario)


def test_f3_fills_a_two_word_query_with_paragraphs_that_have_one_word(seeds_index):
    """Two words mean both (the core rule); F3 is the one-shot command's --fill."""

    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "bogdanov ceasefire")
            results = app.screen.query_one(ResultList)
            assert len(results.hits) == 1 and not results.hits[0].missing
            await pilot.press("f3")
            await settle(pilot)
            hits = app.screen.query_one(ResultList).hits
            assert len(hits) > 1
            assert not hits[0].missing  # the paragraph with both words stays first
            assert all(h.missing for h in hits[1:])
            assert "some words too (F3)" in status_of(app)
            await pilot.press("f3")
            await settle(pilot)
            assert len(app.screen.query_one(ResultList).hits) == 1
            assert "F3" not in status_of(app)

    run(scenario)


def test_f4_orders_the_hits_by_date_and_back(tmp_path):
    """F4 cycles the one-shot command's --sort: by score, newest first, oldest first."""
    from conftest import index_records

    records = [
        {"id": "old", "date": "2023-05-01", "text": "A ceasefire was agreed."},
        {"id": "new", "date": "2024-05-01", "text": "The ceasefire held."},
        {"id": "best", "date": "2023-12-01", "text": "Ceasefire, ceasefire, ceasefire."},
    ]
    index = index_records(records, tmp_path, "wire.jsonl")

    async def scenario():
        app = make_app(index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasefire")

            def order() -> list[str]:
                return [h.doc_id for h in app.screen.query_one(ResultList).hits]

            assert order()[0] == "best"
            await pilot.press("f4")
            await settle(pilot)
            assert order() == ["new", "best", "old"]
            assert "newest first (F4)" in status_of(app)
            await pilot.press("f4")
            await settle(pilot)
            assert order() == ["old", "best", "new"]
            assert "oldest first (F4)" in status_of(app)
            await pilot.press("f4")
            await settle(pilot)
            assert order()[0] == "best" and "F4" not in status_of(app)

    run(scenario)


def test_a_copied_paragraph_is_listed_once_with_its_copies(tmp_path):
    from conftest import index_records

    from search.tui.widgets.results import hit_prompt

    same = "Fighting resumed despite the ceasefire, officials said."
    records = [{"id": name, "text": same} for name in ("a", "b", "c")]
    index = index_records(records, tmp_path, "wire.jsonl")

    async def scenario():
        app = make_app(index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasefire")
            (hit,) = app.screen.query_one(ResultList).hits
            assert len(hit.copies) == 2
            assert "+2 copies" in hit_prompt(hit).plain

    run(scenario)


def test_a_partial_match_says_which_words_it_misses(seeds_index):
    from search.tui.widgets.results import hit_prompt

    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasefire bogdanov palestinian")
            hits = app.screen.query_one(ResultList).hits
            assert hits and not hits[0].missing  # the paragraph with all three first
            partial = [hit for hit in hits if hit.missing]
            assert partial, "three words fill the list with paragraphs that have some"
            for hit in partial:
                assert f"missing: {', '.join(hit.missing)}" in hit_prompt(hit).plain
            assert "missing" not in hit_prompt(hits[0]).plain

    run(scenario)


def test_malformed_and_vacuous_queries_show_a_message(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, '"ceasefire')
            assert len(app.screen.query_one(ResultList).hits) == 2
            assert "unbalanced quote" in status_of(app)
            await pilot.press("ctrl+u")
            await type_query(pilot, "the AND")
            assert app.screen.query_one(ResultList).hits == []
            assert "common words" in status_of(app)
            await pilot.press("ctrl+u")
            await type_query(pilot, "*")
            assert "nothing to search for" in status_of(app) or "every paragraph" in status_of(app)
            assert isinstance(app.screen, SearchScreen)  # still running

    run(scenario)


def test_a_stale_result_never_overwrites_a_newer_one(seeds_index):
    async def scenario():
        from search.tui.messages import SearchDone, SearchOutcome

        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasefire")
            screen = app.screen
            stale = SearchOutcome(seq=0, query="moscow", result=app.library.search("moscow", 5))
            screen.post_message(SearchDone(stale))
            await pilot.pause()
            assert [h.rank for h in screen.query_one(ResultList).hits] == [1, 2]
            assert screen.outcome.query == "ceasefire"

    run(scenario)


def test_copy_citation(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasefire")
            await pilot.press("down", "y")
            hit = app.screen.query_one(ResultList).selected_hit
            first_line, _, rest = app.clipboard.partition("\n\n")
            assert first_line.endswith(f"¶{hit.paragraph}")
            assert " — " in first_line
            assert rest.strip() == hit.text

    run(scenario)


def test_open_source_resolves_the_real_file(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasefire")
            hit = app.screen.query_one(ResultList).selected_hit
            path = app.library.source_path(hit)
            assert path is not None and path.is_file()
            assert "ceasefire" in path.read_text(encoding="utf-8")
            await pilot.press("down", "o")  # headless: cannot suspend, says where the file is
            await pilot.pause()
            assert any(str(path) in str(n.message) for n in app._notifications)

    run(scenario)


def test_help_screen_opens_and_closes(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, SearchScreen)
            await pilot.press("tab")  # focus leaves the query box, so ? is a key, not text
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)

    run(scenario)


def test_default_index_is_built_from_the_seeds(isolated_user):
    async def scenario():
        app = make_app(None, query="ceasefire")
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            assert app.library is not None
            assert app.library.index_dir.is_relative_to(isolated_user)
            await settle(pilot)
            assert len(app.screen.query_one(ResultList).hits) == 2
            assert "default index: 1 document" in status_of(app)

    run(scenario)


def test_missing_index_exits_with_one_line_error(tmp_path):
    async def scenario():
        app = make_app(tmp_path / "nowhere")
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
        assert app.error and "\n" not in app.error
        assert app.return_code == 2

    run(scenario)


def test_quit_keys(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await pilot.press("q")  # typed into the query box, not a quit
            assert app.screen.query_one(QueryInput).value == "q"
            await pilot.press("ctrl+c")
            await pilot.pause()
        assert app.return_code == 0

    run(scenario)


def test_enter_in_the_query_box_moves_to_the_results(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await pilot.press(*"ceasefire", "enter")
            await settle(pilot)
            assert app.focused is app.screen.query_one(ResultList)
            await pilot.press("up")  # up from the first hit goes back to the box
            assert app.focused is app.screen.query_one(QueryInput)

    run(scenario)


def test_mouse_click_selects_and_double_click_opens(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await type_query(pilot, "ceasefire")
            results = app.screen.query_one(ResultList)
            # the second hit's title line: below the first hit's lines and the separator
            row = next(
                y
                for y, line in enumerate(rendered_lines(results))
                if any((s.style and (s.style.meta or {}).get("option")) == 1 for s in line)
            )
            await pilot.click(ResultList, offset=(2, row))
            await settle(pilot)
            assert results.highlighted == 1
            assert app.screen.query_one("#preview", DocumentView).hit == results.hits[1]
            await pilot.click(ResultList, offset=(2, row), times=2)
            await settle(pilot)
            assert isinstance(app.screen, DocumentScreen)
            assert app.screen.hit == results.hits[1]

    run(scenario)


def test_new_commits_show_up_without_reopening(tmp_path):
    from index.indexer import index_paths

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("A report about harbour dredging.\n", encoding="utf-8")
    index_dir = tmp_path / "ix"
    index_paths([docs], index_dir)

    async def scenario():
        app = make_app(index_dir)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            searcher = app.library.engine.backend.searcher
            await type_query(pilot, "zanzibar")
            assert app.screen.query_one(ResultList).hits == []
            (docs / "b.txt").write_text("Cloves from Zanzibar arrived.\n", encoding="utf-8")
            index_paths([docs], index_dir)
            await pilot.press("space")
            await settle(pilot)
            hits = app.screen.query_one(ResultList).hits
            assert [h.path for h in hits] == ["b.txt"]
            assert app.library.engine.backend.searcher is not searcher  # refreshed, same Engine

    run(scenario)
