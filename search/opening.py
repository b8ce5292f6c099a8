"""Choose and open the index a command should use, building the default on first use."""

from __future__ import annotations

from collections.abc import Callable

from index.locations import chosen_index_dir, seeds_dir
from index.storage import index_exists
from search.engine import Engine


def ensure_index(option: str | None, notify: Callable[[str], None]) -> Engine:
    """Open the chosen index. The default one is built from the bundled seeds when
    it does not exist yet; a missing index named by --index/$SEARCH_INDEX is an error
    (raised by Engine) that says how to create it."""
    index_dir, is_default = chosen_index_dir(option)
    if is_default and not index_exists(index_dir):
        from index.indexer import index_paths

        notify(f"first run: indexing the bundled sample documents into {index_dir}")
        index_paths([seeds_dir()], index_dir, seeds=True)
    return Engine(index_dir)
