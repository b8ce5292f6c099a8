"""Snapshot tests (pytest-textual-snapshot) of the app's three screens at a fixed size.

Timings are hidden (`show_timing=False`) so the pictures are stable; the index is
a fresh seeds index, whose name and size do not change between runs. Update the
pictures after a deliberate change with `pytest --snapshot-update`.
"""

from __future__ import annotations

from search.tui.app import SearchApp
from search.tui.widgets.query_input import QueryInput
from tests.tui_helpers import settle, wait_ready

SIZE = (100, 30)


def app_for(index) -> SearchApp:
    return SearchApp(index_option=str(index), history_path=None, show_timing=False)


async def _ready(pilot) -> None:
    await wait_ready(pilot)
    pilot.app.screen.query_one(QueryInput).cursor_blink = False  # a blink is a coin toss


async def _search_ceasefire(pilot) -> None:
    await _ready(pilot)
    await pilot.press(*"ceasefire")
    await settle(pilot)


def test_main_screen_with_results(snap_compare, seeds_index):
    assert snap_compare(app_for(seeds_index), terminal_size=SIZE, run_before=_search_ceasefire)


def test_document_view(snap_compare, seeds_index):
    async def open_second_hit(pilot) -> None:
        await _search_ceasefire(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)

    assert snap_compare(app_for(seeds_index), terminal_size=SIZE, run_before=open_second_hit)


def test_help_screen(snap_compare, seeds_index):
    async def open_help(pilot) -> None:
        await _ready(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app_for(seeds_index), terminal_size=SIZE, run_before=open_help)
