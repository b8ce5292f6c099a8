"""The search time limit: a slow query stops and says its results are partial."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from index.indexer import index_paths
from search.engine import TIME_LIMIT_SECONDS, Engine
from tests.index.test_parallel import make_folder

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = make_folder(tmp_path_factory.mktemp("docs"), files=40, paragraphs=10, seed=7)
    out = tmp_path_factory.mktemp("ix")
    index_paths([folder], out)
    return out


SLOW = "*e* OR *a* OR *o*~2"  # wildcards inside words and a fuzzy term: every term expands


def test_unlimited_search_is_complete(index_dir):
    with Engine(index_dir) as engine:
        engine.time_limit = None
        result = engine.search(SLOW)
    assert not result.partial and result.total == 400


def test_default_limit_leaves_a_normal_query_alone(index_dir):
    with Engine(index_dir) as engine:
        assert engine.time_limit == TIME_LIMIT_SECONDS
        result = engine.search("wheat")
    assert not result.partial and result.total > 0
    assert not any("partial" in n for n in result.notices)


def test_a_query_past_the_limit_is_stopped_and_reported_partial(index_dir):
    before = signal.getsignal(signal.SIGALRM)
    with Engine(index_dir) as engine:
        engine.time_limit = 1e-6
        result = engine.search(SLOW)
    assert result.partial
    assert result.total < 400 and len(result.hits) <= 10
    assert any("partial" in n for n in result.notices)
    # The engine put the alarm handler back and left no timer running.
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_limit_also_holds_in_a_worker_thread(index_dir):
    out = {}

    def run() -> None:
        with Engine(index_dir) as engine:
            engine.time_limit = 1e-6
            out["result"] = engine.search("wheat OR corn OR oil OR bank")

    t = threading.Thread(target=run)
    t.start()
    t.join()
    result = out["result"]
    assert result.total <= 400
    # In a thread the collector's own clock is the guard; results say if it stopped.
    assert result.partial == any("partial" in n for n in result.notices)


def test_json_summary_says_partial(index_dir, cli):
    import json

    done = cli("wheat", "--json", "--index", str(index_dir))
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["type"] == "summary" and summary["partial"] is False


def test_count_past_the_limit_is_partial_not_a_guess(index_dir, capsys):
    from search.cli.main import EXIT_ERROR, UNKNOWN, print_matches

    with Engine(index_dir) as engine:
        engine.time_limit = 1e-6
        ranked, notices, partial = engine.every_match(SLOW)
        assert partial and any("partial" in n for n in notices)
        assert print_matches(engine, SLOW, True) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "partial" in err and UNKNOWN in err


def test_time_limit_option(index_dir, cli):
    stopped = cli(SLOW, "--time-limit", "0.000001", "--index", str(index_dir))
    assert stopped.returncode == 2 and "unknown" in stopped.stderr
    exact = cli("-c", SLOW, "--time-limit", "0", "--index", str(index_dir))
    assert (exact.returncode, exact.stdout.strip()) == (0, "400")
    bad = cli("wheat", "--time-limit", "-1", "--index", str(index_dir))
    assert bad.returncode == 2 and "--time-limit" in bad.stderr


def test_direct_counts_and_respellings_each_get_their_own_limit(index_dir):
    # A library caller's count_all_words / did_you_mean left its deadline on the
    # Engine: once time_limit had passed, every later call timed out at once.
    with Engine(index_dir) as engine:
        engine.time_limit = 0.3
        truth = engine.count_all_words("wheat")
        assert truth > 0 and engine.did_you_mean("wheet") == "wheat"
        time.sleep(0.4)
        assert engine.count_all_words("wheat") == truth
        assert engine.count_any_words("wheat corn") >= truth
        assert engine.did_you_mean("wheet") == "wheat"
        assert engine.search("wheat").total == truth
