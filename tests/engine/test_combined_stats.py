"""One set of word statistics for every language's field (issue 16): an English word
ranks on a mixed English/German archive as it does on an English-only one, while
highlights and did-you-mean keep each hit's own language."""

from __future__ import annotations

from conftest import index_records

from index.whoosh.schema import SCHEMA_VERSION
from search.engine import Engine

ENGLISH = [
    {"id": f"en{i}", "lang": "en", "title": "Markets", "text": text}
    for i, text in enumerate(
        [
            "Oil prices rose after the cartel cut output, traders said.",
            "The minister said oil exports would double next year.",
            "Crude oil and gas shipments fell in March, the ministry said.",
            "Farmers said the harvest was late because of the rain.",
            "The bank said interest rates would stay where they are.",
            "Shares rallied as the central bank held rates.",
        ]
    )
]
GERMAN = [
    {
        "id": "oilers",
        "lang": "de",
        "title": "Eishockey",
        "text": "Die Edmonton Oilers siegten 4:2.",
    },
    {"id": "saids", "lang": "de", "title": "Kultur", "text": "Edward Saids Buch erschien."},
] + [
    {
        "id": f"de{i}",
        "lang": "de",
        "title": "Nachrichten",
        "text": "Die Regierung in Berlin beriet lange über den Haushalt des kommenden Jahres.",
    }
    for i in range(8)
]


def build(records: list[dict], folder) -> object:
    folder.mkdir()
    return index_records(records, folder)


def ranking(index_dir, query: str) -> list[str]:
    with Engine(index_dir) as engine:
        return [h.doc_id for h in engine.search(query, limit=20, suggest=False).hits]


def test_an_english_word_ranks_on_a_mixed_archive_as_on_an_english_one(tmp_path):
    alone = build(ENGLISH, tmp_path / "en")
    mixed = build(ENGLISH + GERMAN, tmp_path / "mixed")
    for word in ("oil", "said"):
        english_only = ranking(alone, word)
        on_mixed = ranking(mixed, word)
        # Per language, `oil` was rare in the German field: its one German paragraph
        # (`Oilers`) came first. Blended, the German paragraph ranks below the English
        # ones that say the word, and the English ones keep their order.
        assert [d for d in on_mixed if d.startswith("en")] == english_only
        assert on_mixed[: len(english_only)] == english_only, (word, on_mixed)


def test_a_blended_word_has_one_idf_in_every_language_field(tmp_path):
    with Engine(build(ENGLISH + GERMAN, tmp_path / "mixed")) as engine:
        searcher = engine.backend.searcher
        leaves = [
            leaf
            for leaf in engine.plan("oil").query.leaves()
            if leaf.field().startswith("text") and (leaf.field(), leaf.text) in searcher.reader()
        ]
        idfs = [leaf.matcher(searcher, searcher.context()).scorer.idf for leaf in leaves]
        assert len(idfs) == 2  # the English and the German field have `oil`
        assert idfs[0] == idfs[1]


def test_highlights_keep_each_hits_language(tmp_path):
    with Engine(build(ENGLISH + GERMAN, tmp_path / "mixed")) as engine:
        hits = engine.search("regierungen", limit=20, suggest=False).hits
        assert hits and all(h.lang == "de" for h in hits)
        assert all(h.text[a:b] == "Regierung" for h in hits for a, b in h.highlights)
        assert engine.search("harvset", limit=5).suggestion == "harvest"


def test_the_schema_version_went_up_for_the_written_forms():
    assert SCHEMA_VERSION >= 5
