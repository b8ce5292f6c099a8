"""`search info` and `search fields`: counts checked against what the test wrote."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from search.cli.main import main

SOURCES = ["wire", "wire", "wire", "agency", "agency", "desk"]
DATES = ["2021-03-04", "2022-07-01", None, "2023-12-31", "2022-07-01", None]
LANGS = ["en", "en", "de", "en", "de", "en"]
TAGS = ["oil, gas", "oil", "", "gas", "oil", "harbour"]
# paragraphs per record: 1 + i % 3
RECORDS = [
    {
        "id": f"r{i}",
        "title": f"Record {i}",
        "text": "\n\n".join(
            (
                f"Der Hafen wurde im Jahr {i} und {p} gebaut."
                if LANGS[i] == "de"
                else f"The harbour was built in year {i} part {p}."
            )
            for p in range(1 + i % 3)
        ),
        "source": SOURCES[i],
        "lang": LANGS[i],
        **({"date": DATES[i]} if DATES[i] else {}),
        **({"tags": TAGS[i]} if TAGS[i] else {}),
    }
    for i in range(6)
]
PARAGRAPHS = [1 + i % 3 for i in range(6)]


@pytest.fixture
def index_dir(tmp_path):
    from conftest import index_records

    return index_records(RECORDS, tmp_path)


def as_json(capsys, *argv):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_info_counts(index_dir, capsys):
    data = as_json(capsys, "info", "--index", str(index_dir))
    assert data["documents"] == 6
    assert data["paragraphs"] == sum(PARAGRAPHS) == 12
    assert data["files"] == 1
    per_lang = Counter()
    for lang, n in zip(LANGS, PARAGRAPHS, strict=True):
        per_lang[lang] += n
    assert data["languages"] == dict(per_lang)
    assert data["dates"] == {"first": "2021-03-04", "last": "2023-12-31"}
    undated = sum(n for d, n in zip(DATES, PARAGRAPHS, strict=True) if d is None)
    assert data["undated_paragraphs"] == undated
    on_disk = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    assert data["size_bytes"] == on_disk
    assert [r["path"] for r in data["roots"]] == [str(index_dir.parent)]
    assert data["roots"][0]["files"] == 1
    assert data["last_updated"].startswith("20")


def test_info_plain(index_dir, capsys):
    assert main(["info", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "documents:    6 (from 1 file)" in out
    assert "paragraphs:   12" in out
    assert "dates:        2021-03-04 to 2023-12-31; 6 paragraphs undated" in out
    assert f"  {index_dir.parent}  1 file" in out


def test_fields_lists_what_a_query_can_name(index_dir, capsys):
    data = as_json(capsys, "fields", "--index", str(index_dir))
    names = [f["field"] for f in data["fields"]]
    assert names[:3] == ["text", "title", "heading"]
    assert {"date", "source", "lang", "tags", "paragraph", "path"} <= set(names)
    assert "file_key" not in names and "text_de" not in names
    distinct = {f["field"]: f["distinct"] for f in data["fields"]}
    assert distinct["source"] == len(set(SOURCES))
    assert distinct["date"] == len({d for d in DATES if d})


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("source", SOURCES),
        ("lang", LANGS),
        ("date", DATES),
        ("tags", [t.strip() for tags in TAGS for t in tags.split(",") if t.strip()]),
    ],
)
def test_a_fields_common_values_count_paragraphs(index_dir, capsys, field, values):
    expected: Counter = Counter()
    if field == "tags":
        for tags, n in zip(TAGS, PARAGRAPHS, strict=True):
            for tag in {t.strip() for t in tags.split(",") if t.strip()}:
                expected[tag] += n
    else:
        for value, n in zip(values, PARAGRAPHS, strict=True):
            if value is not None:
                expected[value] += n
    data = as_json(capsys, "fields", field, "--index", str(index_dir))
    got = {v["value"]: v["paragraphs"] for v in data["values"]}
    assert got == dict(expected)
    counts = [v["paragraphs"] for v in data["values"]]
    assert counts == sorted(counts, reverse=True)


def test_fields_limit_and_numbers(index_dir, capsys):
    data = as_json(capsys, "fields", "paragraph", "-n", "2", "--index", str(index_dir))
    # paragraph 1 in all six records, 2 in four (1 + i % 3 >= 2), 3 in two
    assert data["values"] == [{"value": 1, "paragraphs": 6}, {"value": 2, "paragraphs": 4}]
    assert data["distinct"] == 3


def test_an_unknown_field_is_one_line(index_dir, capsys):
    assert main(["fields", "colour", "--index", str(index_dir)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no field 'colour'" in err and "source" in err


def test_a_command_name_is_still_a_query_with_e(index_dir, capsys):
    assert main(["-c", "--index", str(index_dir), "-e", "info"]) == 1
    assert capsys.readouterr().out.strip() == "0"
    main(["-c", "--index", str(index_dir), "harbour", "info"])  # not first: words
    assert capsys.readouterr().out.strip().isdigit()
