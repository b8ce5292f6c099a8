"""Where things live: the default per-user index and the bundled seed corpus."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "archive-search"
INDEX_ENV = "SEARCH_INDEX"


def user_data_dir() -> Path:
    """The per-user data folder (platformdirs' answer; on Linux computed directly,
    by the same XDG rule, because importing platformdirs costs a one-shot query
    more than the rest of its start-up)."""
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
        return Path(base) / APP_NAME
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_index_dir() -> Path:
    return user_data_dir() / "index"


def seeds_dir() -> Path:
    """The bundled `seeds/` folder: beside the packages, in a checkout and in a wheel."""
    return Path(__file__).resolve().parent.parent / "seeds"


def chosen_index_dir(option: str | None) -> tuple[Path, bool]:
    """(index folder, is it the default one): `--index`, then $SEARCH_INDEX, then default."""
    if option:
        return Path(option).expanduser(), False
    env = os.environ.get(INDEX_ENV)
    if env:
        return Path(env).expanduser(), False
    return default_index_dir(), True
