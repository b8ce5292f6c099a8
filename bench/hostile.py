"""Hostile input at full size (issue 18): peak RSS and wall time of each case.

    python bench/hostile.py [--python PY] [--timeout S] [--cap-mb MB] [--scale F] [--only NAME]

Each case builds its input in a temporary folder (bombs are written as streams,
never held in memory), then runs one whole `search` command in a child process
under an address-space cap (RLIMIT_AS, as the issue's hunt did: 4 GB) and a
timeout, and prints its wall time, peak RSS (the child's ru_maxrss), exit status
and the line that says what happened. A case past the timeout is reported as
">N s, killed". `--python` runs another checkout's interpreter (its venv, with
that checkout installed) on the same inputs: the before/after comparison.
`--scale` shrinks the sizes (0.1: a tenth) for a quick look.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hostile_kit import (  # noqa: E402
    make_docx_bomb,
    make_jsonl_line_bomb,
    one_letter_paragraphs,
    one_long_line,
    yaml_bomb,
)

GOOD = "The harbour ferry timetable changes in October.\n"


@dataclass
class Case:
    name: str
    what: str
    # Builds the input, returns the arguments of `search` (or of python: `-c ...`).
    make: Callable[[Path, float], list[str]]


def _docs(work: Path) -> Path:
    docs = work / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "good.txt").write_text(GOOD)
    return docs


def docx_bomb(work: Path, scale: float) -> list[str]:
    make_docx_bomb(_docs(work) / "bomb.docx", inflated_mb=max(1, int(400 * scale)))
    return ["index", str(work / "docs"), "--index", str(work / "ix")]


def docx_bomb_3g(work: Path, scale: float) -> list[str]:
    make_docx_bomb(_docs(work) / "bomb.docx", inflated_mb=max(1, int(3000 * scale)))
    return ["index", str(work / "docs"), "--index", str(work / "ix")]


def jsonl_line(work: Path, scale: float) -> list[str]:
    make_jsonl_line_bomb(_docs(work) / "feed.jsonl.gz", line_mb=max(1, int(6000 * scale)))
    return ["index", str(work / "docs"), "--index", str(work / "ix")]


def yaml_aliases(work: Path, scale: float) -> list[str]:
    (_docs(work) / "note.md").write_text(yaml_bomb() + "The breakwater needs repairs.\n")
    return ["index", str(work / "docs"), "--index", str(work / "ix")]


def fifo(work: Path, scale: float) -> list[str]:
    os.mkfifo(_docs(work) / "x.txt")
    return ["index", str(work / "docs"), "--index", str(work / "ix")]


def dev_zero(work: Path, scale: float) -> list[str]:
    (_docs(work) / "zero.txt").symlink_to("/dev/zero")
    return ["index", str(work / "docs"), "--index", str(work / "ix"), "--follow-symlinks"]


def letters(work: Path, scale: float) -> list[str]:
    (_docs(work) / "letters.txt").write_text(one_letter_paragraphs(int(1_000_000 * scale)))
    return ["index", str(work / "docs"), "--index", str(work / "ix")]


def long_line(work: Path, scale: float) -> list[str]:
    (_docs(work) / "line.txt").write_text(one_long_line(max(1, int(60 * scale))))
    return ["index", str(work / "docs"), "--index", str(work / "ix")]


def long_line_chunked(work: Path, scale: float) -> list[str]:
    """The same line through the chunker alone: indexing 12 million words takes
    minutes at Whoosh's pace, which hides whether chunking itself is linear."""
    (work / "line.txt").write_text(one_long_line(max(1, int(60 * scale))))
    script = (
        "import sys; from index.chunking import chunk_plain; "
        "_, p = chunk_plain(open(sys.argv[1]).read()); print(len(p), 'paragraphs', file=sys.stderr)"
    )
    return ["-c", script, str(work / "line.txt")]


def long_query(work: Path, scale: float) -> list[str]:
    (_docs(work) / "long.txt").write_text("q" * 100_000 + " harbour\n")
    subprocess.run(
        [PYTHON, "-m", "search", "index", str(work / "docs"), "--index", str(work / "ix")],
        capture_output=True,
        check=True,
    )
    return ["--index", str(work / "ix"), "-e", "q" * max(1, int(5000 * scale))]


CASES = [
    Case("docx-400M", "1.2 MB .docx inflating to 400 MB", docx_bomb),
    Case("docx-3G", "9 MB .docx inflating to 3 GB", docx_bomb_3g),
    Case("jsonl-line", ".jsonl.gz holding one 6 GB line", jsonl_line),
    Case("yaml-aliases", "378-byte .md, front matter aliases nesting 9 deep", yaml_aliases),
    Case("fifo", "a FIFO named x.txt", fifo),
    Case("dev-zero", "x.txt -> /dev/zero with --follow-symlinks", dev_zero),
    Case("letters", "1,000,000 one-letter paragraphs (3.9 MB)", letters),
    Case("long-line", "one 60 MB line without a sentence end", long_line),
    Case("line-chunked", "the 60 MB line through chunk_plain alone", long_line_chunked),
    Case("long-query", "did-you-mean on a 5,000-letter query", long_query),
]
PYTHON = sys.executable


def run_capped(args: list[str], cap_mb: int, timeout: float) -> tuple[float, float, str, str]:
    """(seconds, peak RSS MB, status, last stderr line) of `python -m search ARGS`
    (or of `python -c ...`)."""

    def limit() -> None:
        os.setsid()
        if cap_mb:
            resource.setrlimit(resource.RLIMIT_AS, (cap_mb << 20, cap_mb << 20))

    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [PYTHON, *(args if args[0] == "-c" else ["-m", "search", *args])],
            stdout=subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
            preexec_fn=limit,
        )
        deadline = started + timeout
        while True:
            pid, code, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                status = f"exit {os.waitstatus_to_exitcode(code)}"
                break
            if time.perf_counter() > deadline:
                os.killpg(child.pid, signal.SIGKILL)
                pid, code, usage = os.wait4(child.pid, 0)
                status = f">{timeout:g} s, killed"
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    said = next((ln for ln in lines if "bomb" in ln or "feed" in ln or "line " in ln), "")
    said = said or (lines[-1] if lines else "")
    return seconds, usage.ru_maxrss / 1024, status, said[:110]


def main() -> int:
    global PYTHON
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--python", default=sys.executable, help="interpreter of the checkout to run")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per case")
    p.add_argument("--cap-mb", type=int, default=4096, help="address-space cap (0: none)")
    p.add_argument("--scale", type=float, default=1.0, help="input sizes, 1 = the issue's")
    p.add_argument("--only", action="append", help="run only these cases (repeatable)")
    args = p.parse_args()
    PYTHON = args.python
    print(f"python {PYTHON}; cap {args.cap_mb} MB; timeout {args.timeout:g} s; scale {args.scale}")
    print(f"{'case':<13} {'wall s':>8} {'peak RSS MB':>12}  {'status':<16} what it said")
    for case in CASES:
        if args.only and case.name not in args.only:
            continue
        work = Path(tempfile.mkdtemp(prefix=f"hostile-{case.name}-"))
        try:
            search_args = case.make(work, args.scale)
            seconds, rss, status, said = run_capped(search_args, args.cap_mb, args.timeout)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        killed = status.startswith(">")
        shown = f"{'>' + format(args.timeout, 'g'):>8}" if killed else f"{seconds:8.1f}"
        print(f"{case.name:<13} {shown} {rss:12.0f}  {status:<16} {said}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
