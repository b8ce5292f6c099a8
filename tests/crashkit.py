"""Helpers for the crash, concurrency and damage tests: corpora and index checks.

The checks read the real Whoosh index on disk and compare it with what the
format readers make of each file, so "complete" means: every paragraph the
reader produces, once, and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

WORDS = (
    "harbour treaty ceasefire river council budget railway drought vaccine archive "
    "senate protest harvest inflation glacier satellite parliament tribunal election "
    "refinery pipeline monsoon famine strike dockyard embassy minister bridge orchard"
).split()


def make_corpus(root: Path, files: int, seed: int = 7) -> Path:
    """Write `files` small .txt files (1-6 paragraphs each) in a few subfolders."""
    rng = random.Random(seed)
    for i in range(files):
        folder = root / f"part{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        write_doc(folder / f"doc{i:05d}.txt", i, rng)
    return root


def write_doc(path: Path, number: int, rng: random.Random, version: int = 0) -> None:
    paragraphs = []
    for p in range(rng.randint(1, 6)):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 25)))
        paragraphs.append(f"Doc{number}v{version}p{p} {words}.")
    path.write_text("\n\n".join(paragraphs) + "\n", "utf-8")


def expected_paragraphs(root: Path) -> dict[str, list[str]]:
    """relpath -> paragraph texts, as the registered reader makes them."""
    from index.formats import format_of, reader_for

    out: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        fmt = format_of(path) if path.is_file() else None
        if fmt is None:
            continue
        texts = []
        for doc in reader_for(fmt)(path, lambda _w: None):
            texts.extend(p.text for p in doc.paragraphs)
        out[path.relative_to(root).as_posix()] = texts
    return out


def index_contents(index_dir: Path) -> dict[str, list[tuple[int, str]]]:
    """relpath -> [(paragraph number, text)] for every live paragraph in the index."""
    from index.whoosh.storage import open_index

    ix = open_index(index_dir)
    held: dict[str, list[tuple[int, str]]] = defaultdict(list)
    with ix.reader() as reader:
        for fields in reader.all_stored_fields():
            held[fields["path"]].append((int(fields["paragraph"]), fields["text"]))
    return {path: sorted(rows) for path, rows in held.items()}


def manifest_entries(index_dir: Path) -> dict[str, tuple[int, str]]:
    """relpath -> (paragraph count, content digest) the manifest believes is committed."""
    from index.manifest import Manifest

    with Manifest(index_dir) as m:
        return {e.relpath: (e.paragraphs, e.digest) for e in m.files().values()}


def check_consistent(
    index_dir: Path,
    expected: dict[str, list[str]],
    before: dict[str, list[str]] | None = None,
    corpus: Path | None = None,
) -> list[str]:
    """Problems with the index as a subset of `expected` (empty list: none).

    `before` is the corpus as it was at the last complete run: until a run has
    redone a changed file, the index may still hold that file's old version whole.
    The manifest may lag the index but never lead it: an entry whose digest matches
    the file in `corpus` means "unchanged, skip it", so the index must hold that
    file's current paragraphs.
    """
    problems = []
    held = index_contents(index_dir)
    for path, rows in held.items():
        versions = [v for v in (expected.get(path), (before or {}).get(path)) if v is not None]
        if not versions:
            problems.append(f"{path}: in the index but not in the corpus")
            continue
        numbers = [n for n, _ in rows]
        texts = [t for _, t in rows]
        if not any(numbers == list(range(1, len(v) + 1)) and texts == v for v in versions):
            problems.append(
                f"{path}: holds paragraphs {numbers}, not one whole version of the file "
                f"({' or '.join(f'1..{len(v)}' for v in versions)})"
            )
    if corpus is None:
        return problems
    from index.manifest import file_digest

    for path, (count, digest) in manifest_entries(index_dir).items():
        file = corpus / path
        if not file.exists() or file_digest(file) != digest:
            continue  # the next run redoes or prunes it
        rows = held.get(path, [])
        if [t for _, t in rows] != expected.get(path):
            problems.append(f"{path}: manifest says current ({count}), index has {len(rows)}")
    return problems


def check_exact(index_dir: Path, expected: dict[str, list[str]], corpus: Path) -> list[str]:
    problems = check_consistent(index_dir, expected, corpus=corpus)
    held = index_contents(index_dir)
    missing = sorted(set(expected) - set(held))
    if missing:
        problems.append(f"{len(missing)} files missing from the index, e.g. {missing[:3]}")
    recorded = set(manifest_entries(index_dir))
    if recorded != set(expected):
        problems.append(
            f"manifest lacks {len(set(expected) - recorded)} files, "
            f"has {len(recorded - set(expected))} files that are gone"
        )
    return problems


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("FORCE_COLOR", None)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def start_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "search", *args],
        cwd=REPO,
        env=env or cli_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill_after(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL `proc` (and its group) after `delay` s; True when it was still running."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            proc.communicate()
            return False
        time.sleep(0.005)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    return proc.returncode == -signal.SIGKILL


def uncommitted_files(index_dir: Path) -> list[str]:
    """Whoosh files the current TOC does not use: traces of a kill mid-write or mid-commit."""
    from whoosh.index import TOC

    from index.whoosh.storage import open_index

    ix = open_index(index_dir)
    toc = ix._read_toc()
    live = {s.segment_id() for s in toc.segments}
    seg = TOC._segment_pattern(ix.indexname)
    tocname = TOC._pattern(ix.indexname)
    leftovers = []
    for name in os.listdir(index_dir):
        m = seg.match(name)
        t = tocname.match(name)
        stale_toc = t and int(t.group(1)) != toc.generation
        unrenamed = ".toc." in name  # a TOC written but not yet renamed into place
        if (m and m.group(1) not in live) or stale_toc or unrenamed:
            leftovers.append(name)
    return leftovers


def commit_record_behind(index_dir: Path) -> bool:
    """True when the last Whoosh commit has no record yet (a kill inside commit)."""
    import json

    from index.whoosh.storage import COMMIT_FILE

    try:
        record = json.loads((index_dir / COMMIT_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return True
    return record.get("generation") != _latest_generation(index_dir)


def _latest_generation(index_dir: Path) -> int:
    gens = [int(p.name[len("_MAIN_") : -len(".toc")]) for p in index_dir.glob("_MAIN_*.toc")]
    return max(gens, default=-1)
