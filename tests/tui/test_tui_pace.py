"""The terminal app keeps pace with typing: a slow search never holds up a key, the
pause before a search follows the engine's pace, and the hits that fit on the screen
are painted before the rest (pilot tests on a real index; no timing assertions)."""

from __future__ import annotations

import threading

from search.tui.app import SearchApp
from search.tui.screens.search import DEBOUNCE_SECONDS, debounce_after
from search.tui.shared_engine import Library
from search.tui.widgets.query_input import QueryInput
from search.tui.widgets.results import ResultList
from tests.tui_helpers import SIZE, run, settle, wait_ready


def test_the_pause_before_a_search_is_what_the_last_one_took_at_most_the_debounce():
    assert debounce_after(None) == DEBOUNCE_SECONDS  # nothing known yet
    assert debounce_after(0.004) == 0.004  # a 4 ms engine: (nearly) every key
    assert debounce_after(0.0) == 0.0
    assert debounce_after(2.0) == DEBOUNCE_SECONDS  # a slow one: never longer


def test_typing_goes_on_while_a_slow_search_runs(seeds_index, monkeypatch):
    """The search for `cease` is held (in its worker thread) until the test lets it
    go; meanwhile every key typed reaches the box, and once it is let go the newest
    query's hits are the ones shown."""
    release = threading.Event()
    started = threading.Event()
    real_search = Library.search

    def search(self, text, *args, **kwargs):
        if text == "cease":
            started.set()
            release.wait(30)
        return real_search(self, text, *args, **kwargs)

    monkeypatch.setattr(Library, "search", search)

    async def scenario():
        app = SearchApp(index_option=str(seeds_index), history_path=None)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            box = app.screen.query_one(QueryInput)
            await pilot.press(*"cease")
            for _ in range(200):
                if started.is_set():
                    break
                await pilot.pause(0.02)
            assert started.is_set()  # the slow search is running now
            await pilot.press(*"fire")
            assert box.value == "ceasefire"  # typed while it runs
            assert not release.is_set()  # and `cease` is still held
            # The search for `ceasefire` may already have been answered by now, in a worker
            # of its own: nothing waits for the held one (asserting it had not, as this test
            # first did, failed on a busy machine where the pilot's presses took longer).
            release.set()
            await settle(pilot)
            await settle(pilot)
            assert app.screen.outcome.query == "ceasefire"
            assert len(app.screen.query_one(ResultList).hits) == 2

    try:
        run(scenario)
    finally:
        release.set()


def test_after_a_fast_search_the_next_key_searches_at_once(seeds_index):
    async def scenario():
        app = SearchApp(index_option=str(seeds_index), history_path=None)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            screen = app.screen
            await pilot.press(*"ceasefir")
            await settle(pilot)
            assert screen._last_search_seconds is not None  # the engine's pace is known
            screen._last_search_seconds = 0.0  # as if it had answered at once
            asked = screen._seq
            await pilot.press("e")
            assert screen._seq == asked + 1  # searched on the key itself, no timer
            await settle(pilot)
            assert screen.outcome.query == "ceasefire"

    run(scenario)


def test_the_first_screenful_of_hits_is_laid_out_first_then_the_rest(tmp_path):
    from index.indexer import index_paths

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(40):
        (docs / f"r{i:02d}.txt").write_text(f"Report {i}\n\nThe harbour crane {i} failed.\n")
    index_paths([docs], tmp_path / "ix")

    async def scenario():
        app = SearchApp(index_option=str(tmp_path / "ix"), history_path=None, limit=50)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_ready(pilot)
            results = app.screen.query_one(ResultList)
            counts: list[int] = []
            real_add = results.add_options

            def add_options(items):
                counts.append(results.option_count)  # what was there before the rest
                return real_add(items)

            results.add_options = add_options
            await pilot.press(*"crane")
            await settle(pilot)
            assert len(results.hits) == 40
            assert counts and 0 < counts[-1] < 40  # a screenful, then the rest
            assert results.option_count == 40  # every hit
            assert results.highlighted == 0

    run(scenario)


def test_previews_of_one_query_expand_its_words_once(seeds_index, monkeypatch):
    from search.engine import Engine

    with Engine(seeds_index) as engine:
        hits = engine.search("ceasefir~", limit=5).hits
        assert hits
        calls = []
        backend = type(engine.backend)  # the backend expands the words to light up
        real = backend.highlight_terms

        def counting(self, q, texts=None):
            calls.append(q)
            return real(self, q, texts)

        monkeypatch.setattr(backend, "highlight_terms", counting)
        first = engine.document(hits[0].file_key, hits[0].doc_id, "ceasefir~")
        again = engine.document(hits[0].file_key, hits[0].doc_id, "ceasefir~")
        assert len(calls) == 1  # the second preview reused the first one's words
        assert [h.highlights for h in again] == [h.highlights for h in first]
        assert any(h.highlights for h in first)
        engine.document(hits[0].file_key, hits[0].doc_id, "moscow")
        assert len(calls) == 2  # another query: its own words
