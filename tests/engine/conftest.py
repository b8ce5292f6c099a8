"""Engine tests are written against the backend interface (search.backend): every test
here runs once per backend in BACKENDS, through this one fixture, and each
`Engine(index_dir)` in it opens that backend. A new backend joins by its name in
BACKENDS; a test that reads one backend's internals (`engine.backend.searcher`)
says which it needs."""

from __future__ import annotations

import pytest

from search import backend as seam


@pytest.fixture(scope="session", autouse=True, params=sorted(seam.BACKENDS))
def backend(request):
    """The backend this run of the engine tests opens (session-wide, so module-wide
    fixtures that open an Engine open it too)."""
    chosen = seam.DEFAULT_BACKEND
    seam.DEFAULT_BACKEND = request.param
    yield request.param
    seam.DEFAULT_BACKEND = chosen
