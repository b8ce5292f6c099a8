"""Import Whoosh without the modules a query never uses (cold-start time).

Whoosh's `compat` imports `urllib.request` (and with it ssl, http.client and
email) only to re-export `urlretrieve`, and `whoosh.reading` imports the
`cached_property` package, which imports asyncio. Together that is about half
of Whoosh's import time, paid by every one-shot `search QUERY`; `whoosh.query`
imports `whoosh.lang.morph_en`, whose hundreds of regular expressions only the
`Variations` query (which we never build) uses. While Whoosh loads, light
stand-ins take their places: a `urlretrieve` and a `variations` that import the
real ones when called, and the standard library's `functools.cached_property`.
The stand-ins are removed from `sys.modules` straight after, so anything that
imports those modules later gets the real ones.

`lean_dataclasses()` does the same for `dataclasses`, which imports `inspect`
(and with it `ast`, `dis`, `tokenize`: about 10 ms) only to name a class that
has no docstring; there a stand-in `inspect` imports the real one when used. So
every dataclass the one-shot defines has a docstring (tests/test_cold_start.py
fails when one without comes onto that path).
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


def _variations(*args, **kwargs):
    import importlib

    if isinstance(sys.modules.get("whoosh.lang.morph_en"), _Stub):
        del sys.modules["whoosh.lang.morph_en"]
    return importlib.import_module("whoosh.lang.morph_en").variations(*args, **kwargs)


class _Stub(types.ModuleType):
    """A stand-in module, told apart from the real one by its type."""


class _LazyModule(_Stub):
    """A stand-in that imports the real module on first attribute access."""

    def __getattr__(self, name: str):
        import importlib

        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def lean_dataclasses() -> None:
    """Import `dataclasses` with a stand-in `inspect` (see the module docstring)."""
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    stub = _LazyModule("inspect")
    sys.modules["inspect"] = stub
    try:
        import dataclasses  # noqa: F401
    finally:
        if sys.modules.get("inspect") is stub:
            del sys.modules["inspect"]


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
    if "whoosh.lang.morph_en" not in sys.modules:
        stubs["whoosh.lang.morph_en"] = _Stub("whoosh.lang.morph_en")
        stubs["whoosh.lang.morph_en"].variations = _variations  # type: ignore[attr-defined]
    sys.modules.update(stubs)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.query  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]
