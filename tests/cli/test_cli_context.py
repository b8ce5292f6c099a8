"""`search -C N`: each hit with the paragraphs around it in its document."""

from __future__ import annotations

import json

import pytest
from conftest import index_records

from search.cli.main import main
from search.engine import Engine

RECORDS = [
    {
        "id": "talks",
        "title": "Ceasefire talks",
        "text": "Negotiators met in the capital.\n\n"
        "The hostages were not mentioned by either side.\n\n"
        "A third paragraph about the weather.\n\n"
        "A fourth paragraph: the weather again, and a ceasefire.",
    },
    {"id": "other", "title": "Other", "text": "Nothing about hostages here? Hostages, once."},
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    return index_records(RECORDS, tmp_path_factory.mktemp("context"), "news.jsonl")


def run(ix, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--index", str(ix), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_library_gives_each_hit_its_neighbours(ix):
    with Engine(ix) as engine:
        hit = engine.search("mentioned", context=2, suggest=False).hits[0]
        assert (hit.doc_id, hit.paragraph) == ("talks", 2)
        assert [h.paragraph for h in hit.before] == [1]  # the document starts there
        assert [h.paragraph for h in hit.after] == [3, 4]
        assert hit.after[0].text == "A third paragraph about the weather."
        plain = engine.search("mentioned", suggest=False).hits[0]
        assert plain.before == [] and plain.after == []  # only when asked


def test_neighbours_are_highlighted_like_the_hit(ix):
    with Engine(ix) as engine:
        hits = engine.search("weather", context=1, suggest=False).hits
        (third,) = [h for h in hits if h.paragraph == 3]
        (fourth,) = third.after
        assert [fourth.text[s:e] for s, e in fourth.highlights] == ["weather"]
        assert third.before[0].highlights == []  # ¶2 does not say it


def test_plain_output_marks_the_hit_and_its_neighbours(ix, capsys):
    code, out, _ = run(ix, capsys, "-C", "1", "--color", "never", "mentioned")
    assert code == 0
    lines = out.splitlines()
    assert "   ¶1- Negotiators met in the capital." in lines
    assert "   ¶2: The hostages were not mentioned by either side." in lines
    assert "   ¶3- A third paragraph about the weather." in lines


def test_json_carries_the_context_only_when_asked(ix, capsys):
    _, out, _ = run(ix, capsys, "--json", "-C", "1", "mentioned")
    hit = json.loads(out.splitlines()[0])
    assert hit["context"]["before"][0]["paragraph"] == 1
    assert hit["context"]["after"][0]["text"] == "A third paragraph about the weather."
    _, out, _ = run(ix, capsys, "--json", "mentioned")
    assert "context" not in json.loads(out.splitlines()[0])


@pytest.mark.parametrize("value", ["-1", "101"])
def test_out_of_range_context_is_a_one_line_error(ix, capsys, value):
    code, out, err = run(ix, capsys, "-C", value, "mentioned")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--context" in err


LONG = "\n\n".join(
    f"Paragraph {k} of the long report{', the needle' if k in (1, 100, 150) else ''}."
    for k in range(1, 151)
)


@pytest.fixture(scope="module")
def long_ix(tmp_path_factory):
    """A 150-paragraph document (its neighbours are found by number, not read whole),
    and another file whose record has the same id."""
    from index.indexer import index_paths

    folder = tmp_path_factory.mktemp("long")
    (folder / "a.jsonl").write_text(json.dumps({"id": "r1", "title": "Long", "text": LONG}))
    twin = "\n\n".join(f"Twin paragraph {k}." for k in range(1, 160))
    (folder / "b.jsonl").write_text(json.dumps({"id": "r1", "title": "Twin", "text": twin}))
    index_paths([folder / "a.jsonl", folder / "b.jsonl"], folder / "index")
    return folder / "index"


def test_a_long_documents_neighbours_come_from_its_own_file(long_ix):
    with Engine(long_ix) as engine:
        hits = engine.search("needle", context=2, per_doc=0, suggest=False).hits
        near = {h.paragraph: (h.before, h.after) for h in hits}
    assert sorted(near) == [1, 100, 150]
    texts = {k: ([b.text for b in bs], [a.text for a in as_]) for k, (bs, as_) in near.items()}
    assert texts[100] == (
        ["Paragraph 98 of the long report.", "Paragraph 99 of the long report."],
        ["Paragraph 101 of the long report.", "Paragraph 102 of the long report."],
    )
    assert [b.paragraph for b in near[1][0]] == [] and [a.paragraph for a in near[1][1]] == [2, 3]
    assert [b.paragraph for b in near[150][0]] == [148, 149] and near[150][1] == []


def test_context_lookup_stops_at_the_time_limit(tmp_path, monkeypatch):
    """Reading the neighbours counts against the search's time limit: past it the
    later hits go without, and the result says it is partial."""
    import time

    import search.engine

    records = [
        {
            "id": d,
            "title": d.title(),
            "text": f"Slowpoke before.\n\nThe {d} ceasefire.\n\nSlowpoke.",
        }
        for d in ("first", "second")
    ]
    ix = index_records(records, tmp_path)
    spans = search.engine.match_spans

    def slow_on_neighbours(text, *args, **kwargs):
        if "Slowpoke" in text:
            time.sleep(0.4)
        return spans(text, *args, **kwargs)

    monkeypatch.setattr(search.engine, "match_spans", slow_on_neighbours)
    with Engine(ix) as engine:
        engine.time_limit = 0.3
        result = engine.search("ceasefire", context=1, suggest=False)
    assert len(result.hits) == 2
    assert result.hits[0].before and result.hits[0].after
    assert result.hits[1].before == [] and result.hits[1].after == []
    assert result.partial
    assert any("paragraphs around it" in n for n in result.notices)
