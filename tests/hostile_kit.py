"""Hostile inputs made on the spot, and a capped run to throw them at.

Shared by tests/test_hostile.py (small sizes) and bench/hostile.py (full sizes):
every bomb is small on disk and written in a stream, never held in memory whole.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

_CHUNK = b"ab " * (1 << 18)  # 768 KiB of words


_PARAGRAPHS = b"<w:p><w:r><w:t>ab ab ab ab ab ab ab ab ab ab</w:t></w:r></w:p>" * (1 << 13)


def make_docx_bomb(path: Path, inflated_mb: int) -> Path:
    """A real .docx whose document part inflates to `inflated_mb` MB of short paragraphs."""
    import docx

    plain = path.with_suffix(".plain.docx")
    document = docx.Document()
    document.add_paragraph("placeholder")
    document.save(str(plain))
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>"
    )
    tail = b"</w:body></w:document>"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, src.read(info.filename))
                continue
            target = zipfile.ZipInfo("word/document.xml")
            target.compress_type = zipfile.ZIP_DEFLATED
            with out.open(target, "w", force_zip64=True) as part:
                part.write(head)
                for _ in range(inflated_mb * (1 << 20) // len(_PARAGRAPHS)):
                    part.write(_PARAGRAPHS)
                part.write(tail)
    plain.unlink()
    return path


def make_jsonl_line_bomb(path: Path, line_mb: int) -> Path:
    """A .jsonl.gz of one `line_mb` MB line, then one good record."""
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b'{"id": "endless", "text": "')
        for _ in range(line_mb * (1 << 20) // len(_CHUNK)):
            out.write(_CHUNK)
        out.write(b'"}\n')
        good = {"id": "ok", "text": "The harbour ferry runs daily."}
        out.write(json.dumps(good).encode() + b"\n")
    return path


def yaml_bomb(levels: int = 9) -> str:
    """Front matter whose aliases nest 9**levels strings deep (a few hundred bytes)."""
    lines = ["---", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    last = f"*a{levels - 1}"
    lines += [f"author: {last}", f"title: {last}", f"tags: {last}", f"date: {last}", "---", ""]
    return "\n".join(lines)


def one_letter_paragraphs(count: int) -> str:
    """`count` one-letter paragraphs: every one goes on the sentence before it."""
    return "a\n\n" * count


def one_long_line(mb: int) -> str:
    """One line of `mb` MB of words and no sentence end."""
    return "word " * (mb * (1 << 20) // 5)


_RUN = """
import json, resource, sys
cap = int(sys.argv[3]) << 20
if cap:
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from pathlib import Path
from index.indexer import index_paths
docs, ix = Path(sys.argv[1]), Path(sys.argv[2])
report = index_paths([docs], ix)
name = lambda p: Path(p).name
print(json.dumps({
    "files_indexed": report.files_indexed, "documents": report.documents,
    "skipped": [[name(p), r] for p, r in report.skipped],
    "errors": [[name(p), r] for p, r in report.errors],
    "warnings": [[name(p), r] for p, r in report.warnings],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def capped_index_run(docs: Path, ix: Path, memory_mb: int, timeout: float) -> dict:
    """index_paths([docs], ix) in a child under an address-space cap and a timeout;
    its report as plain data (names only). A child that fails raises, with its stderr."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(docs), str(ix), str(memory_mb)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if done.returncode != 0:
        raise AssertionError(f"the capped run failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
