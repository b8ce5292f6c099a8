"""The wheel carries both packages and the seed corpus, and works without the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from conftest import REPO, SEEDS


def test_wheel_ships_the_seeds_and_finds_them_when_installed(tmp_path):
    from hatchling.builders.wheel import WheelBuilder

    wheel = next(WheelBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"]))
    seed_name = next(SEEDS.glob("*.txt")).name
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert f"seeds/{seed_name}" in names
        assert {"index/__init__.py", "search/cli/main.py", "search/__main__.py"} <= names
        assert not any(n.startswith("tests/") for n in names)
        site = tmp_path / "site"
        zf.extractall(site)
    env = dict(os.environ, PYTHONPATH=str(site))
    where = subprocess.run(
        [sys.executable, "-c", "import index, search; print(index.__file__, search.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    assert where.stdout.count(str(site)) == 2  # the unpacked wheel, not the checkout
    run = subprocess.run(
        [sys.executable, "-m", "search", "ceasefire"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("ceasefire") == 2
