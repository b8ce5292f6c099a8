"""Where things live: the default per-user index and the bundled seed corpus."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "archive-search"
INDEX_ENV = "SEARCH_INDEX"


def user_data_dir() -> Path:
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
