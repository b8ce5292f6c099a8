"""Shared helpers for the TUI tests: run a pilot scenario, wait for the workers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from rich.style import Style

from search.display.styles import MATCH_STYLE
from search.tui.screens.search import DEBOUNCE_SECONDS, PREVIEW_DELAY_SECONDS

SIZE = (100, 30)


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run an async pilot scenario from a plain test (no asyncio plugin needed)."""
    asyncio.run(scenario())


async def settle(pilot) -> None:
    """Wait past the debounce, then for every worker and the messages they post."""
    app = pilot.app
    await pilot.pause(DEBOUNCE_SECONDS + 0.05)
    for _ in range(2):  # the search, then the preview it schedules
        await app.workers.wait_for_complete()
        await pilot.pause(PREVIEW_DELAY_SECONDS + 0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def wait_ready(pilot) -> None:
    """Wait until the index is open (it may have to be built from the seeds first)."""
    for _ in range(200):
        if pilot.app.library is not None or pilot.app.error:
            break
        await pilot.pause(0.05)
    await settle(pilot)


def rendered_lines(widget) -> list[list]:
    """The segments of each line the widget renders on screen now."""
    return [list(widget.render_line(y)) for y in range(widget.size.height)]


def is_match_style(style: Style) -> bool:
    """The one-shot command's match style (bold red) as Textual rendered it."""
    want = Style.parse(MATCH_STYLE)
    return bool(style.bold) and style.color is not None and style.color.number == want.color.number
