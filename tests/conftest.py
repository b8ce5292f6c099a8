"""Shared fixtures: isolated user dirs, small indexes, the shared corpora (when present)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from search import backend as seam

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = REPO / "seeds"
# The read-only corpora sit beside the checkout (../shared/corpora); a user's fresh
# clone has none, and the tests that need them skip.
CORPORA = Path(os.environ.get("SEARCH_CORPORA", REPO.parent / "shared" / "corpora"))


def index_records(records: list[dict], folder: Path, name: str = "docs.jsonl") -> Path:
    """Write `records` as a JSONL file in `folder`, index it, return the index dir."""
    import json

    from index.indexer import index_paths

    docs = folder / name
    docs.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    index_paths([docs], folder / "index")
    return folder / "index"


def corpus(name: str) -> Path:
    """Path to a shared corpus folder or file, skipping the test when it is absent."""
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"shared corpus {name!r} not found under {CORPORA} (set SEARCH_CORPORA)")
    return path


@pytest.fixture(autouse=True)
def isolated_user(tmp_path_factory, monkeypatch):
    """Every test gets its own HOME/XDG dirs, so no test touches a real default index."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("SEARCH_INDEX", raising=False)
    monkeypatch.delenv("SEARCH_CONFIG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture
def seeds_index(tmp_path) -> Path:
    """A fresh index of the bundled seeds/ corpus."""
    from index.indexer import index_paths

    index_dir = tmp_path / "seeds-index"
    index_paths([SEEDS], index_dir, seeds=True)
    return index_dir


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None, stdin=None):
    """Run `python -m search ARGS` as a real process; returns CompletedProcess (text)."""
    full_env = dict(os.environ)
    full_env.pop("FORCE_COLOR", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "search", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or REPO,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        timeout=300,
    )


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session", params=sorted(seam.BACKENDS))
def backend(request):
    """The backend the engine tests open: tests/engine/ is written against the backend
    interface (search.backend), and each of its modules asks for this fixture
    (`pytestmark = pytest.mark.usefixtures("backend")`), so every test there runs once
    per backend named in BACKENDS and each `Engine(index_dir)` opens that one.
    Session-wide, so that module-wide fixtures which open an Engine open it too; a
    test that reads one backend's internals (`engine.backend.searcher`) says which."""
    chosen = seam.DEFAULT_BACKEND
    seam.DEFAULT_BACKEND = request.param
    yield request.param
    seam.DEFAULT_BACKEND = chosen
