"""Import Whoosh without the modules a query never uses (cold-start time).

Whoosh's `compat` imports `urllib.request` (and with it ssl, http.client and
email) only to re-export `urlretrieve`, and `whoosh.reading` imports the
`cached_property` package, which imports asyncio. Together that is about half
of Whoosh's import time, paid by every one-shot `search QUERY`. While Whoosh
loads, light stand-ins take their places: a `urlretrieve` that imports the real
one when called, and the standard library's `functools.cached_property`. The
stand-ins are removed from `sys.modules` straight after, so anything that
imports those modules later gets the real ones.
"""

from __future__ import annotations

import functools
import sys
import types


def _urlretrieve(*args, **kwargs):
    import importlib

    if isinstance(sys.modules.get("urllib.request"), _Stub):
        del sys.modules["urllib.request"]
    return importlib.import_module("urllib.request").urlretrieve(*args, **kwargs)


class _Stub(types.ModuleType):
    """A stand-in module, told apart from the real one by its type."""


def import_whoosh() -> None:
    """Load the Whoosh modules the read path needs, skipping their heavy extras."""
    if "whoosh.reading" in sys.modules:
        return
    stubs: dict[str, types.ModuleType] = {}
    if "urllib.request" not in sys.modules:
        stubs["urllib.request"] = _Stub("urllib.request")
        stubs["urllib.request"].urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    if "cached_property" not in sys.modules:
        stubs["cached_property"] = _Stub("cached_property")
        stubs["cached_property"].cached_property = functools.cached_property  # type: ignore[attr-defined]
    sys.modules.update(stubs)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]
