"""Hostile input, fuzzed with hypothesis: queries, chunker, every format reader.

A query may find something (0), nothing (1) or be refused in one line (2); it may
never raise past the CLI or be called an internal error. The chunker and the
readers get random bytes: they may refuse a file with the errors the indexer
handles (Unsupported, Unreadable, OSError, ValueError, EOFError), nothing else.
SEARCH_FUZZ_EXAMPLES=N raises the number of cases per test (default 75).
"""

from __future__ import annotations

import gzip
import lzma
import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.chunking import chunk_markdown, chunk_plain
from index.errors import SearchToolError
from index.formats import READERS, reader_for
from search.cli.main import main

EXAMPLES = int(os.environ.get("SEARCH_FUZZ_EXAMPLES", "75"))
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

QUERY_PIECES = st.sampled_from(
    [
        "ceasefire", "harbour", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "(", ")", '"',
        "*", "?", "~", "~2", "^", "^3", ":", "title:", "date:", "date:>", "date:<2020",
        "page:[1 TO", "TO", "]", "{", "}", "[", "+", "-", "\\", "/", "'", "’", "“",
        "path:", "heading:", "source:", "x" * 300, "\x00", "\x1b[31m", "\u200b", "\ufeff",
        "\u202e", "é", "ß", "日本", "🙂", "\ud800", "\n", "\t", " ", "%", "&&", "||",
        "NEAR", "NEAR/3", "NEAR/0", "NEAR/99999999999999999999", "near",
    ]
)  # fmt: skip
QUERIES = st.one_of(
    st.text(max_size=80),
    st.lists(QUERY_PIECES, max_size=25).map(" ".join),
    st.lists(QUERY_PIECES, max_size=40).map("".join),
    st.integers(1, 3000).map(lambda n: "(" * n + "ceasefire" + ")" * (n // 2)),
    st.integers(1, 400).map(lambda n: " ".join(["(ceasefire OR (harbour"] * n)),
    st.text(alphabet=string.printable, min_size=50, max_size=200).map(
        lambda s: (s * (10_500 // len(s) + 1))[: 9000 + len(s) * 7]
    ),
    st.text(min_size=1, max_size=12).map(lambda s: (s + " ") * (10_000 // (len(s) + 1))),
)


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> Path:
    from index.indexer import index_paths

    index_dir = tmp_path_factory.mktemp("fuzz") / "ix"
    index_paths([SEEDS], index_dir, seeds=True)
    return index_dir


def _safe(text: str) -> str:
    # argv cannot carry NUL or lone surrogates; a real shell would not pass them either.
    return text.replace("\x00", " ").encode("utf-8", "replace").decode("utf-8")


FLAGS = [
    [],
    ["--json"],
    ["-c"],
    ["-l"],
    ["-n", "0"],
    ["-C", "2", "--json"],
    ["--sort", "newest"],
    ["--all-copies", "-C", "1"],
]


@FUZZ
@given(query=QUERIES, flag=st.sampled_from(FLAGS))
def test_query_never_raises_past_the_cli(small_index, capsys, query, flag):
    try:
        code = main([*flag, "--index", str(small_index), f"--query={_safe(query)}"])
    except SystemExit as exc:  # argparse's own one-line refusal
        code = exc.code
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), code
    assert "Traceback" not in err
    assert "internal error" not in err, (query[:200], err)
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err


@FUZZ
@given(
    query=QUERIES,
    options=st.sampled_from(
        [{}, {"dedupe": True, "context": 1}, {"sort": "oldest", "per_doc": 1}, {"per_doc": 3}]
    ),
)
def test_engine_search_raises_only_empty_query(small_index, query, options):
    from search.engine import Engine
    from search.query.parsing import EmptyQuery

    with Engine(small_index) as engine:
        try:
            result = engine.search(query, limit=5, **options)
        except EmptyQuery:
            return
    assert result.total >= len(result.hits)


@pytest.mark.parametrize(
    "query",
    [
        "(" * 5000 + "ceasefire",
        "ceasefire " * 1200,
        "\x00\x01\x02 \x1b[2J ceasefire \x7f",
        '"' * 999 + "harbour",
        "title:" * 2000,
        "date:>" + "9" * 5000,
        "\u202e\u200b日本🙂 é",
    ],
)
def test_hostile_queries_in_a_real_process(small_index, cli, query):
    result = cli("--index", str(small_index), "-e", query.replace("\x00", " "))
    assert result.returncode in (0, 1, 2)
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


TEXT_BYTES = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=3000).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(["#", "# T", "\n", "\n\n", "\r\n", "===", "---", "a.", "\ufeff",
                              "x" * 5000, "   ", "\x00", "\x0c", "Sentence. ", "…"]),
             max_size=60).map(lambda parts: "".join(parts).encode("utf-8")),
)  # fmt: skip


@FUZZ
@given(data=TEXT_BYTES)
def test_chunker_takes_any_text(data):
    text = data.decode("utf-8", "replace")
    for chunk in (chunk_plain, chunk_markdown):
        title, paragraphs = chunk(text)
        assert isinstance(title, str)
        numbers = [p.number for p in paragraphs]
        assert numbers == list(range(1, len(paragraphs) + 1))
        assert all(p.text.strip() for p in paragraphs)


ACCEPTED = (SearchToolError, OSError, ValueError, EOFError, UnicodeError)


def _wrap(suffix: str, data: bytes) -> bytes:
    if suffix.endswith(".gz"):
        return gzip.compress(data)
    if suffix.endswith(".xz"):
        return lzma.compress(data)
    return data


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=5)
    ),
    max_leaves=12,
)
RECORD_KEYS = st.sampled_from(["title", "text", "body", "date", "id", "url", "author", "lang"])


@st.composite
def reader_input(draw, suffix: str) -> bytes:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.binary(max_size=4000))  # raw bytes, even for compressed formats
    if kind == 1:
        return _wrap(suffix, draw(st.binary(max_size=4000)))
    import json

    lines = []
    for _ in range(draw(st.integers(0, 6))):
        record = draw(st.dictionaries(RECORD_KEYS, JSONISH, max_size=6))
        lines.append(json.dumps(record) if kind == 2 else draw(st.text(max_size=80)))
    return _wrap(suffix, "\n".join(lines).encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("suffix", sorted(READERS))
def test_every_reader_takes_random_bytes(suffix, tmp_path):
    """Iterates the registry, so readers added later are covered too."""
    read = reader_for(suffix)
    path = tmp_path / f"fuzz{suffix}"

    @FUZZ
    @given(data=reader_input(suffix))
    def check(data):
        path.write_bytes(data)
        try:
            for doc in read(path, lambda _w: None):
                assert isinstance(doc.title, str)
                for p in doc.paragraphs:
                    assert isinstance(p.text, str)
        except ACCEPTED:
            pass

    check()


def test_indexing_a_folder_of_random_files_reports_not_crashes(tmp_path, cli):
    """End to end: garbage in every registered format, indexed by the real command."""
    import random

    rng = random.Random(5)
    docs = tmp_path / "docs"
    docs.mkdir()
    for suffix in READERS:
        for n in range(3):
            blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
            (docs / f"junk{n}{suffix}").write_bytes(blob if n else _wrap(suffix, blob))
    (docs / "good.txt").write_text("A kestrel hovers over the junk.\n")
    result = cli("index", str(docs), "--index", str(tmp_path / "ix"))
    assert result.returncode in (0, 2)
    assert "Traceback" not in result.stderr
    ok = cli("--index", str(tmp_path / "ix"), "-c", "-e", "kestrel")
    assert (ok.returncode, ok.stdout.strip()) == (0, "1"), ok.stderr
