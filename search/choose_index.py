"""Choose and open the index a command should use, building the default on first use."""

from __future__ import annotations

from collections.abc import Callable

from index.errors import IndexOutdated
from index.locations import chosen_index_dir, seeds_dir
from index.whoosh.storage import index_exists
from search.engine import Engine


def ensure_index(option: str | None, notify: Callable[[str], None]) -> Engine:
    """Open the chosen index. The default one is built from the bundled seeds when
    it does not exist yet, and rebuilt when an older version of the tool built it from
    the seeds alone (the person's own index is theirs to rebuild: the error says how).
    A missing index named by --index/$SEARCH_INDEX is an error that says how to create it."""
    index_dir, is_default = chosen_index_dir(option)
    if is_default and not index_exists(index_dir):
        from index.indexer import index_paths

        notify(f"first run: indexing the bundled sample documents into {index_dir}")
        index_paths([seeds_dir()], index_dir, seeds=True)
    try:
        return Engine(index_dir)
    except IndexOutdated:
        from index.indexer import holds_only_seeds, index_paths

        if not (is_default and holds_only_seeds(index_dir)):
            raise
    notify(f"rebuilding the sample index in {index_dir}: an older version of this tool built it")
    index_paths([seeds_dir()], index_dir, seeds=True, rebuild=True)
    return Engine(index_dir)
