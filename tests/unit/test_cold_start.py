"""The one-shot query path imports only what a query needs."""

from __future__ import annotations

import sys

import pytest

from index.locations import user_data_dir

NEVER_ON_THE_QUERY_PATH = (
    "urllib.request",
    "ssl",
    "asyncio",
    "platformdirs",
    "sqlite3",
    "rich",
    "charset_normalizer",
    "textual",
    "multiprocessing",
)
# Modules a plain query never uses, imported by ones it does (search/lean_imports.py):
# Whoosh's English morphology (only its Variations query), and inspect with what it
# imports (dataclasses only uses it to name a class that has no docstring).
NEVER_BY_NAME = ("whoosh.lang.morph_en", "inspect", "ast", "dis", "tokenize")


def imported_modules(stderr: str) -> set[str]:
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


@pytest.mark.parametrize("default_index", [False, True])
def test_piped_query_imports_nothing_heavy(seeds_index, tmp_path, default_index):
    import subprocess

    from tests.conftest import REPO

    args = ["ceasefire"] if default_index else ["ceasefire", "--index", str(seeds_index)]
    if default_index:  # the first run builds the default index; measure the second
        subprocess.run([sys.executable, "-m", "search", *args], cwd=REPO, timeout=120)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "search", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    names = imported_modules(proc.stderr)
    assert "whoosh.reading" in names  # the measurement works
    assert not {n for n in names if n.split(".")[0] in NEVER_ON_THE_QUERY_PATH} - {
        n for n in names if n.startswith("urllib.") and n != "urllib.request"
    }
    assert not names & set(NEVER_BY_NAME)


def test_urlretrieve_and_cached_property_still_work_after_a_lean_import():
    from search.whoosh.lean_import import import_whoosh

    import_whoosh()
    import urllib.request

    import whoosh.compat

    assert urllib.request.urlopen  # the real module, not the stand-in
    assert callable(whoosh.compat.urlretrieve)
    import cached_property

    assert hasattr(cached_property, "cached_property")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG rule")
def test_user_data_dir_matches_platformdirs(monkeypatch, tmp_path):
    from platformdirs import user_data_path

    from index.locations import APP_NAME

    assert user_data_dir() == user_data_path(APP_NAME, appauthor=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert user_data_dir() == user_data_path(APP_NAME, appauthor=False)
    monkeypatch.setenv("XDG_DATA_HOME", "  ")
    assert user_data_dir() == user_data_path(APP_NAME, appauthor=False)


def test_function_stems_of_the_whole_list_are_those_of_each_word(seeds_index):
    """The backend's function_stems analyses its word list in one call; that must give each
    word's own stems (an analyzer that looked at neighbouring words would not)."""
    from search.engine import Engine
    from search.query.function_words import BY_FIELD

    with Engine(seeds_index) as engine:
        for field, words in BY_FIELD.items():
            analyzer = engine.backend.analyzer(field)
            one_by_one = {t.text for w in words for t in analyzer(w, mode="query")}
            assert one_by_one and engine.backend.function_stems(field) == one_by_one
