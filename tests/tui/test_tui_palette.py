"""The command palette's own commands, themes remembered in the config file, and a help
screen that lists every key, through Textual's pilot on a real index."""

from __future__ import annotations

import re

from search.config import load
from search.tui.app import SearchApp
from search.tui.commands import OpenIndexScreen
from search.tui.screens.document import DocumentScreen
from search.tui.screens.help import HELP
from search.tui.screens.search import SearchScreen
from search.tui.widgets.query_input import QueryInput
from search.tui.widgets.results import ResultList
from tests.tui_helpers import SIZE, run, settle, wait_ready


def make_app(index, **kwargs) -> SearchApp:
    return SearchApp(index_option=str(index), history_path=None, **kwargs)


async def palette(pilot, text: str) -> None:
    """ctrl+p, type `text`, take the first command offered."""
    from textual.command import CommandPalette

    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*text)
    for _ in range(40):  # the palette searches its providers in the background
        await pilot.pause(0.05)
        if pilot.app.screen.query("CommandList Option"):
            break
    await pilot.press("enter")
    await settle(pilot)


def test_palette_fill_and_sort_change_the_search(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            screen = app.screen
            assert isinstance(screen, SearchScreen) and not screen.fill
            await pilot.press(*"ceasefire moscow")
            await settle(pilot)
            await palette(pilot, "some words too")
            assert screen.fill is True
            await palette(pilot, "sort newest")
            assert screen.sort == "newest"
            assert screen.outcome.result is not None
            await palette(pilot, "sort by score")
            assert screen.sort == "score"

    run(scenario)


def test_palette_opens_another_index(seeds_index, tmp_path):
    from conftest import index_records

    other = index_records(
        [{"id": "x", "title": "Harbour", "text": "The crane barge arrived."}], tmp_path
    )

    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            await pilot.press(*"barge")
            await settle(pilot)
            assert app.screen.query_one(ResultList).hits == []
            await palette(pilot, "open another index")
            assert isinstance(app.screen, OpenIndexScreen)
            await pilot.press(*str(tmp_path / "nowhere"), "enter")
            await pilot.pause()
            assert app.index_option == str(seeds_index)  # kept: no index there
            await palette(pilot, "open another index")
            await pilot.press(*str(other), "enter")
            await wait_ready(pilot)
            assert app.index_option == str(other)
            assert app.library.index_dir == other
            hits = app.screen.query_one(ResultList).hits
            assert [h.doc_id for h in hits] == ["x"]

    run(scenario)


def test_theme_from_the_config_and_a_new_choice_is_saved(seeds_index, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("limit = 5\n")

    async def scenario():
        app = make_app(seeds_index, theme_name="nord", config_path=cfg)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            assert app.theme == "nord"
            assert load(cfg).values == {"limit": 5}  # starting with it writes nothing
            await palette(pilot, "theme")  # Textual's own theme picker
            await pilot.press(*"gruvbox")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)
            assert app.theme == "gruvbox"
        assert load(cfg).values == {"limit": 5, "theme": "gruvbox"}

    run(scenario)


def test_fill_and_sort_start_from_the_config(seeds_index):
    async def scenario():
        app = make_app(seeds_index, fill=True, sort="oldest")
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            assert (app.screen.fill, app.screen.sort) == (True, "oldest")

    run(scenario)


def _shown(key: str) -> str:
    names = {"slash": "/", "question_mark": "?", "escape": "escape"}
    if key in names:
        return names[key]
    return key.upper() if re.fullmatch(r"f\d+", key) else key


def test_help_lists_every_key():
    from search.tui.widgets.query_input import QueryInput
    from search.tui.widgets.results import ResultList

    keys_text = HELP.split("[b]Query syntax[/b]")[0]
    bold = set(re.findall(r"\[b\](.*?)\[/b\]", keys_text))
    shown = {part.strip() for entry in bold for part in re.split(r" / |, ", entry)}
    for owner in (SearchApp, SearchScreen, DocumentScreen, QueryInput, ResultList):
        for binding in owner.BINDINGS:
            for key in binding.key.split(","):
                assert _shown(key) in shown, (owner.__name__, key)
    assert "ctrl+p" in shown


def test_help_screen_shows_the_palette_key(seeds_index):
    async def scenario():
        app = make_app(seeds_index)
        async with app.run_test(size=(100, 50)) as pilot:
            await wait_ready(pilot)
            app.screen.query_one(QueryInput).blur()
            await pilot.press("f1")
            await pilot.pause()
            text = str(app.screen.query_one("#help-text").render())
            assert "ctrl+p" in text and "theme (remembered in the config file)" in text

    run(scenario)
