"""The config file: precedence (flag, env, file, default), `search config` origins, and
one-line errors naming the file and line."""

from __future__ import annotations

import json
import os

import pytest

from search.cli.main import main
from search.config import config_path, load, save_theme

DOCS = [
    {"id": f"d{i}", "title": f"Report {i}", "text": f"ceasefire talks number {i}."}
    for i in range(8)
]


@pytest.fixture
def index_dir(tmp_path):
    from conftest import index_records

    return index_records(DOCS, tmp_path)


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SEARCH_CONFIG", str(path))
    return path


def settings(capsys, *argv):
    assert main(["config", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)["settings"]


def test_the_default_path_is_the_per_user_config_folder(isolated_user):
    assert config_path() == isolated_user / ".config" / "archive-search" / "config.toml"


def test_without_a_file_every_setting_is_a_default(cfg, capsys):
    got = settings(capsys)
    assert got["limit"] == {"value": 10, "origin": "default", "where": ""}
    assert got["sort"]["value"] == "score"
    assert {s["origin"] for s in got.values()} == {"default"}


def test_file_then_env_then_flag(cfg, capsys, monkeypatch, tmp_path):
    cfg.write_text('# mine\nlimit = 4\n\ncolor = "always"\nindex = "/from/file"\nfill = true\n')
    got = settings(capsys)
    assert got["limit"] == {"value": 4, "origin": "file", "where": f"{cfg}:2"}
    assert got["color"] == {"value": "always", "origin": "file", "where": f"{cfg}:4"}
    assert got["fill"]["value"] is True and got["per-doc"]["origin"] == "default"
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("SEARCH_INDEX", str(tmp_path / "env-index"))
    got = settings(capsys, "-n", "7")
    assert got["color"] == {"value": "never", "origin": "env", "where": "$NO_COLOR"}
    assert got["index"]["origin"] == "env" and got["index"]["value"].endswith("env-index")
    assert got["limit"] == {"value": 7, "origin": "flag", "where": "--limit"}
    got = settings(capsys, "--color", "always", "--index", "/from/flag")
    assert got["color"]["origin"] == "flag" and got["index"]["value"] == "/from/flag"


def test_no_fill_turns_off_the_files_fill_for_one_run(cfg, capsys, tmp_path):
    from conftest import index_records

    records = [
        {"id": "both", "title": "", "text": "The ceasefire talks resumed."},
        {"id": "one", "title": "", "text": "The ceasefire held overnight."},
        {"id": "other", "title": "", "text": "Another ceasefire was announced."},
    ]
    folder = index_records(records, tmp_path)

    def hits(*argv):
        assert main(["--index", str(folder), "--json", *argv, "ceasefire", "talks"]) == 0
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        return sorted(line["doc_id"] for line in lines if line["type"] == "hit")

    assert hits() == ["both"]
    cfg.write_text("fill = true\n")
    assert hits() == ["both", "one", "other"]  # the file fills two-word queries
    assert hits("--no-fill") == ["both"]  # and the flag wins for this run
    got = settings(capsys, "--no-fill")["fill"]
    assert got["value"] is False and got["origin"] == "flag"


def test_plain_output_names_the_file_and_each_origin(cfg, capsys):
    cfg.write_text('sort = "newest"\n')
    assert main(["config", "--per-doc", "1"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(f"config file: {cfg}")
    assert f"sort        newest  [file {cfg}:1]" in out
    assert "per-doc     1  [flag]" in out
    assert "limit       10  [default]" in out


def test_a_query_obeys_the_file_and_a_flag_beats_it(cfg, index_dir, capsys):
    cfg.write_text(f'limit = 2\nper-doc = 0\nindex = "{index_dir}"\n')
    assert main(["--json", "ceasefire"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["type"] for line in lines] == ["hit", "hit", "summary"]
    assert main(["--json", "-n", "5", "ceasefire"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 6


def test_the_file_index_is_used_by_search_index_too(cfg, tmp_path, capsys):
    target = tmp_path / "configured"
    cfg.write_text(f'index = "{target}"\n')
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("A harbour survey.\n")
    assert main(["index", "-q", str(docs)]) == 0
    assert (target / "manifest.sqlite3").exists()
    assert main(["-c", "harbour"]) == 0
    assert capsys.readouterr().out.strip() == "1"


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("limit = 3\ncolour = 'always'\n", 2, "unknown key 'colour'"),
        ("\n\nlimit = -1\n", 3, "limit must be a whole number of 0 or more, not -1"),
        ('limit = "ten"\n', 1, "limit must be a whole number"),
        ('sort = "random"\n', 1, "sort must be one of 'score', 'newest', 'oldest'"),
        ("fill = 1\n", 1, "fill must be true or false"),
        ('time-limit = "soon"\n', 1, "time-limit must be a number of seconds"),
        ("limit = 3\nlimit 4\n", 2, "not valid TOML"),
        ("[index]\npath = 'x'\n", 1, "index must be a non-empty string"),
    ],
)
def test_a_bad_file_is_one_line_naming_file_and_line(cfg, capsys, text, line, says):
    cfg.write_text(text)
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"search: {cfg}:{line}: ")
    assert says in err
    assert main(["ceasefire"]) == 2  # a query refuses it the same way
    assert capsys.readouterr().err == err


def test_a_password_needs_a_private_file_and_is_never_printed(cfg, capsys):
    cfg.write_text('index = "https://admin:s3cret@cluster.example:9200"\n')
    os.chmod(cfg, 0o644)
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert "holds a password" in err and f"chmod 600 {cfg}" in err and "s3cret" not in err
    os.chmod(cfg, 0o600)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "private (0600)" in out and "s3cret" not in out
    assert "https://admin:****@cluster.example:9200" in out


def test_a_cluster_url_is_stored_but_searching_it_is_not_supported_yet(cfg, capsys):
    cfg.write_text('index = "https://cluster.example:9200"\n')
    assert main(["config"]) == 0
    capsys.readouterr()
    assert main(["ceasefire"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "OpenSearch cluster; searching a cluster is not supported yet" in err
    assert main(["--index", "http://other:9200", "info"]) == 2


def test_config_refuses_query_words(cfg, capsys):
    assert main(["config", "ceasefire"]) == 2
    assert "search -e config" in capsys.readouterr().err


def test_save_theme_keeps_the_rest_of_the_file(cfg):
    cfg.write_text("# my settings\nlimit = 4\n")
    os.chmod(cfg, 0o600)
    save_theme("nord")
    assert load().values == {"limit": 4, "theme": "nord"}
    save_theme('gruv"box')
    assert load().values["theme"] == 'gruv"box'
    assert "# my settings" in cfg.read_text()
    assert oct(cfg.stat().st_mode & 0o777) == "0o600"


def test_no_file_means_no_toml_import(tmp_path):
    import subprocess
    import sys

    code = "import sys; from search.config import load; load(); print('tomllib' in sys.modules)"
    env = dict(os.environ, SEARCH_CONFIG=str(tmp_path / "absent.toml"))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
