"""How the app is started: `search tui`, a bare `search` on a terminal (real pty),
the usage error when there is no terminal, and no Textual on the one-shot path."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.conftest import REPO


def run_in_pty(args: list[str], until: bytes, timeout: float = 60.0) -> tuple[int, bytes]:
    """Run `python -m search ARGS` on a pseudo-terminal, wait for `until` on screen,
    then press ctrl+c; returns (exit code, everything the app drew)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = dict(os.environ, TERM="xterm-256color")
    env.pop("FORCE_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "search", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + timeout
    try:
        while until not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
        os.write(master, b"\x03")  # ctrl+c quits
        end = time.monotonic() + 20
        while proc.poll() is None and time.monotonic() < end:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
        return proc.wait(timeout=10), seen
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)


def test_bare_search_on_a_terminal_opens_the_app(seeds_index: Path):
    code, screen = run_in_pty(["--index", str(seeds_index)], until=b"7 paragraphs")
    assert b"index seeds-index" in screen
    assert code == 0


def test_search_tui_starts_with_the_query(seeds_index: Path):
    code, screen = run_in_pty(
        ["tui", "--index", str(seeds_index), "ceasefire"], until=b"2 paragraphs match"
    )
    assert b"2 paragraphs match" in screen
    assert code == 0


def test_no_query_without_a_terminal_is_a_usage_error(cli, seeds_index: Path):
    done = cli("--index", str(seeds_index))
    assert done.returncode == 2
    assert "usage" in done.stderr and "search tui" in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_search_tui_without_a_terminal_is_an_error(cli, seeds_index: Path):
    done = cli("tui", "--index", str(seeds_index), "ceasefire")
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and "Traceback" not in done.stderr


def test_one_shot_search_never_imports_textual(cli, seeds_index: Path):
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "search", "--index", str(seeds_index), "x"],
        capture_output=True,
        text=True,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert "whoosh" in done.stderr  # the import log is there...
    assert "textual" not in done.stderr  # ...and Textual is not in it


def test_wheel_ships_the_app_styles(tmp_path):
    import zipfile

    from hatchling.builders.wheel import WheelBuilder

    wheel = next(WheelBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"]))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert "search/tui/app.tcss" in names  # the app cannot start without its styles
    assert {"search/tui/app.py", "search/tui/screens/search.py"} <= names


def test_search_tui_takes_index_and_sort_from_the_config_file(
    seeds_index: Path, tmp_path, monkeypatch
):
    config = tmp_path / "config.toml"
    config.write_text(f'index = "{seeds_index}"\nsort = "oldest"\ntheme = "nord"\n')
    monkeypatch.setenv("SEARCH_CONFIG", str(config))
    code, screen = run_in_pty(["tui", "ceasefire"], until=b"oldest first")
    assert b"2 paragraphs match" in screen and b"oldest first (F4)" in screen
    assert code == 0
