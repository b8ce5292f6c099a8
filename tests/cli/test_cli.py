"""The one-shot `search` command end to end, as a person (or a script) runs it."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURES, REPO, SEEDS

from index.indexer import index_paths
from search.cli.main import main

SEED_LINES = next(SEEDS.glob("*.txt")).read_text("utf-8").splitlines()
CEASEFIRE_LINES = [line for line in SEED_LINES if "ceasefire" in line]


def json_hits(stdout: str) -> tuple[list[dict], dict]:
    rows = [json.loads(line) for line in stdout.splitlines()]
    assert rows[-1]["type"] == "summary"
    return rows[:-1], rows[-1]


@pytest.fixture
def archive_index(tmp_path):
    folder = tmp_path / "archive"
    shutil.copytree(FIXTURES / "archive", folder)
    ix = tmp_path / "ix"
    index_paths([folder], ix)
    return ix


def test_first_query_builds_the_default_index_and_prints_the_two_paragraphs(cli):
    assert len(CEASEFIRE_LINES) == 2
    run = cli("ceasefire")
    assert run.returncode == 0, run.stderr
    assert "first run" in run.stderr and "sample documents" in run.stderr
    assert "\x1b[" not in run.stdout  # piped: no colour
    assert "Traceback" not in run.stderr
    blocks = [b for b in run.stdout.strip().split("\n\n") if b.strip()]
    assert len(blocks) == 2
    for line in CEASEFIRE_LINES:
        assert sum(line in b for b in blocks) == 1
    assert all("¶" in b for b in blocks)
    # the second run reuses the index silently
    again = cli("ceasefire")
    assert again.returncode == 0 and "first run" not in again.stderr


def test_both_words_must_match(cli):
    run = cli("--json", "Bogdanov ceasefire")
    hits, summary = json_hits(run.stdout)
    assert run.returncode == 0 and summary["total"] == 1
    assert "Bogdanov" in hits[0]["text"] and "ceasefire" in hits[0]["text"]
    assert summary["mode"] == "all"


def test_exact_phrase(cli):
    run = cli("--json", '"Russian Foreign Ministry"')
    hits, summary = json_hits(run.stdout)
    assert summary["total"] == 1
    (hit,) = hits
    start, end = hit["highlights"][0]
    assert hit["text"][start:end] == "Russian Foreign Ministry"


def test_json_lines_have_the_documented_keys_and_true_offsets(cli):
    run = cli("--json", "ceasefires")  # a stemmed variant still finds and lights "ceasefire"
    hits, summary = json_hits(run.stdout)
    assert summary == {**summary, "total": 2, "shown": 2}
    assert isinstance(summary["elapsed_ms"], float)
    for rank, hit in enumerate(hits, 1):
        assert set(hit) >= {
            "type",
            "rank",
            "score",
            "doc_id",
            "path",
            "title",
            "heading",
            "paragraph",
            "text",
            "highlights",
        }
        assert hit["rank"] == rank and hit["type"] == "hit"
        assert [hit["text"][s:e] for s, e in hit["highlights"]] == ["ceasefire"]
        assert hit["title"] and not hit["title"].endswith(".txt")
        assert hit["heading"].startswith("Hamas:")
    assert hits[0]["score"] >= hits[1]["score"]


def test_count_files_and_exit_codes(cli):
    count = cli("-c", "hamas")
    assert count.returncode == 0 and count.stdout.strip() == "7"
    files = cli("-l", "ceasefire")
    assert files.stdout.split() == [next(SEEDS.glob("*.txt")).name]
    none = cli("zebra")
    assert none.returncode == 1 and none.stdout == ""


def test_color_only_when_asked_or_on_a_terminal(cli):
    forced = cli("--color", "always", "ceasefire")
    assert "\x1b[" in forced.stdout
    assert "\x1b[1;31mceasefire\x1b[0m" in forced.stdout
    never = cli("--color", "never", "ceasefire")
    assert "\x1b[" not in never.stdout


def _run_on_tty(args: list[str], env: dict) -> str:
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "search", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=REPO,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_terminal_gets_colour_unless_no_color(cli):
    cli("ceasefire")  # build the default index first
    env = dict(os.environ, TERM="xterm-256color")
    assert "\x1b[1;31mceasefire" in _run_on_tty(["ceasefire"], env)
    env["NO_COLOR"] = "1"
    assert "\x1b[" not in _run_on_tty(["ceasefire"], env)


def test_missing_named_index_says_how_to_create_it(cli, tmp_path):
    run = cli("--index", str(tmp_path / "nowhere"), "ceasefire")
    assert run.returncode == 2
    assert "no index at" in run.stderr and "search index PATH... --index" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    env_run = cli("ceasefire", env={"SEARCH_INDEX": str(tmp_path / "nowhere")})
    assert env_run.returncode == 2 and "no index at" in env_run.stderr


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "(a OR",
        "NOT OR foo",
        "title:",
        "*",
        "date:<?",
        ")(",
        "AND",
        '""',
        "date:[2024 TO",
        "title:(",
        "ceasefire)))",
        "((((ceasefire",
        "-",
        "+",
        "~",
        "^2",
        "field:value",
        "ceasefire~~",
        "path:**",
        "a" * 3000,
        "\x00\x07ceasefire",
    ],
)
def test_malformed_queries_never_trace_back(query, seeds_index, capsys):
    code = main(["--index", str(seeds_index), query])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("search: ")


def test_repairs_are_announced(seeds_index, capsys):
    assert main(["--index", str(seeds_index), '"ceasefire']) == 0
    assert "unbalanced quote" in capsys.readouterr().err
    assert main(["--index", str(seeds_index), "NOT OR ceasefire"]) == 0
    assert "searched for the words: ceasefire" in capsys.readouterr().err
    assert main(["--index", str(seeds_index), "*"]) == 2
    assert "every paragraph" in capsys.readouterr().err


def test_or_fallback_is_announced(seeds_index, capsys):
    code = main(["--index", str(seeds_index), "--json", "Bogdanov zebra"])
    out, err = capsys.readouterr()
    hits, summary = json_hits(out)
    assert code == 0 and summary["mode"] == "any" and len(hits) == 3
    assert all("Bogdanov" in h["text"] for h in hits)
    assert main(["--index", str(seeds_index), "Bogdanov zebra"]) == 0
    assert "some of them" in capsys.readouterr().err


def test_fielded_queries_and_filters_survive_the_fallback(archive_index, capsys):
    assert main(["--index", str(archive_index), "--json", "title:ceasefire"]) == 0
    hits, _ = json_hits(capsys.readouterr().out)
    assert {h["doc_id"] for h in hits} == {"wire-003"}
    # "zebra" matches nothing, so the AND fails; the OR fallback must keep source:
    code = main(["--index", str(archive_index), "--json", "source:other prisoners zebra"])
    hits, summary = json_hits(capsys.readouterr().out)
    assert code == 0 and summary["mode"] == "any"
    assert hits and {h["source"] for h in hits} == {"Other Agency"}
    code = main(["--index", str(archive_index), "--json", "date:2023 ceasefire"])
    hits, summary = json_hits(capsys.readouterr().out)
    assert code == 1 and hits == []


def test_date_filters(archive_index, capsys):
    main(["--index", str(archive_index), "--json", "date:2024"])
    hits, _ = json_hits(capsys.readouterr().out)
    assert {h["doc_id"] for h in hits} == {"wire-002", "wire-003"}
    main(["--index", str(archive_index), "--json", "date:[2024-01-01 TO 2024-01-31]"])
    hits, _ = json_hits(capsys.readouterr().out)
    assert {h["doc_id"] for h in hits} == {"wire-002"}
    main(["--index", str(archive_index), "--json", "date:>2024-01-25"])
    hits, _ = json_hits(capsys.readouterr().out)
    assert {h["doc_id"] for h in hits} == {"wire-003"}


def test_a_query_of_two_dashes_is_a_usage_error_not_a_crash(seeds_index, capsys):
    # argparse gives `--query=--` as [] where a string is expected
    assert main(["--index", str(seeds_index), "--query=--"]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and len(err.strip().splitlines()) == 1


def test_a_word_that_names_a_command_can_be_searched(seeds_index, capsys):
    assert main(["--index", str(seeds_index), "-e", "index"]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_dash_e_takes_a_query_that_starts_with_a_dash(seeds_index, capsys):
    everything = ["--index", str(seeds_index), "-c"]
    assert main([*everything, "NOT ceasefire"]) == 0
    without = int(capsys.readouterr().out)
    for argv in (["-e", "-ceasefire"], ["--query", "-ceasefire"], ["--query=-ceasefire"]):
        assert main([*everything, *argv]) == 0, argv
        out, err = capsys.readouterr()
        assert int(out) == without and err == "", argv


def test_a_count_of_paragraphs_with_some_of_the_words_says_so(seeds_index, capsys):
    assert main(["--index", str(seeds_index), "-c", "Bogdanov zebra"]) == 0
    out, err = capsys.readouterr()
    assert int(out) > 0 and "no paragraph has all the words" in err
    assert main(["--index", str(seeds_index), "-c", "Bogdanov ceasefire"]) == 0
    assert capsys.readouterr().err == ""


def test_a_date_that_is_not_one_is_a_one_line_error(seeds_index, capsys):
    assert main(["--index", str(seeds_index), "ceasefire date:2024-13"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot read date:2024-13" in err[0]


def test_python_dash_m_and_index_command(cli, tmp_path):
    ix = tmp_path / "ix"
    run = cli("index", str(FIXTURES / "archive"), "--index", str(ix))
    assert run.returncode == 0, run.stderr
    assert "indexed 5 documents" in run.stderr and "3 files" in run.stderr
    query = cli("--index", str(ix), "--json", "crane barge")
    hits, summary = json_hits(query.stdout)
    assert summary["total"] == 2
    assert {h["heading"] for h in hits} == {"Findings", "Recommendations"}


def test_no_query_is_a_usage_error(cli):
    run = cli()
    assert run.returncode == 2 and "usage" in run.stderr.lower()
