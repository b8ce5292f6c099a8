"""ruff is part of the suite, so CI fails on lint errors like on test failures."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import REPO


def test_ruff_is_clean():
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed: pip install -e '.[test]'")
    run = subprocess.run([ruff, "check", str(REPO)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
