"""Language detection and the English, German and Arabic analyzers, end to end."""

from __future__ import annotations

import gzip
import itertools
import json
import lzma

import pytest
from conftest import corpus

from index.indexer import index_paths
from index.languages import detect, document_language, normalise_code
from index.whoosh.analysis import arabic_analyzer, english_analyzer, german_analyzer
from search.engine import Engine
from search.query.parsing import EmptyQuery

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py


def terms(analyzer, text: str) -> list[str]:
    return [t.text for t in analyzer(text, mode="query")]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("The minister said that the talks would resume on Monday.", "en"),
        ("Die Regierung hat am Montag bekannt gegeben, dass die Gespräche weitergehen.", "de"),
        ("قال رئيس الوزراء إن المحادثات ستستأنف يوم الاثنين", "ar"),
        ("12345 67890", ""),
    ],
)
def test_detect(text, lang):
    assert detect(text) == lang


def test_metadata_language_wins_and_is_normalised():
    assert normalise_code("de-AT") == "de"
    assert normalise_code("German") == "de"
    assert normalise_code("ara") == "ar"
    assert normalise_code("not a language") == ""
    assert document_language("en", "Die Regierung hat die Steuern erhöht und das ist gut.") == "en"
    assert document_language("", "Die Regierung hat die Steuern erhöht und das ist gut.") == "de"


def test_arabic_spelling_variants_and_diacritics_fold_together():
    ar = arabic_analyzer()
    assert terms(ar, "أحمد") == terms(ar, "احمد") == terms(ar, "إحمد") == terms(ar, "آحمد")
    assert terms(ar, "مدرسة") == terms(ar, "مدرسه")
    assert terms(ar, "مستشفى") == terms(ar, "مستشفي")
    assert terms(ar, "كَتَبَ") == terms(ar, "كتب") == terms(ar, "كـتـب")
    assert terms(ar, "المدرسة") == terms(ar, "مدرسة")  # the article is stripped
    # "على" (on) is a stop word; the name "علي" is not.
    assert terms(ar, "على") == [] and terms(ar, "علي") != []


def test_german_stemming_and_umlauts():
    de = german_analyzer()
    assert terms(de, "Regierungen") == terms(de, "Regierung")
    assert terms(de, "Häuser") == terms(de, "Hauser")
    assert terms(de, "Straße") == terms(de, "Strasse")


def test_every_language_drops_the_same_stop_words():
    """A bare word is looked up in every language's field: they must agree on stops."""
    for word in ("the", "und", "في", "of", "der"):
        assert [terms(a(), word) for a in (english_analyzer, german_analyzer, arabic_analyzer)] == [
            [],
            [],
            [],
        ]
    assert terms(english_analyzer(), "die") == ["die"]  # an English verb stays searchable


def write_jsonl(path, records) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory):
    """A subset of each real corpus (the Arabic file is large), without language keys,
    so the indexer must detect every document's language itself."""
    ar_path = corpus("ar_saudinewsnet") / "ar_saudinewsnet.jsonl.xz"
    de_path = corpus("de_10kgnad_test") / "de_10kgnad_test.jsonl.gz"
    en_path = corpus("bbc_news") / "bbc_news.jsonl"
    folder = tmp_path_factory.mktemp("mixed")

    def unlabelled(lines, n):
        for line in itertools.islice(lines, n):
            record = json.loads(line)
            record.pop("language", None)
            record.pop("lang", None)
            yield record

    with lzma.open(ar_path, "rt", encoding="utf-8") as fh:
        write_jsonl(folder / "ar.jsonl", unlabelled(fh, 120))
    with gzip.open(de_path, "rt", encoding="utf-8") as fh:
        write_jsonl(folder / "de.jsonl", unlabelled(fh, 200))
    with open(en_path, encoding="utf-8") as fh:
        write_jsonl(folder / "en.jsonl", unlabelled(fh, 100))
    index_dir = tmp_path_factory.mktemp("mixed-index")
    report = index_paths([folder], index_dir)
    assert not report.errors
    return index_dir


def langs_of(result) -> set[str]:
    return {h.lang for h in result.hits}


def test_each_corpus_is_detected_as_its_language(mixed_index):
    from whoosh import index as whoosh_index

    by_file: dict[str, set[str]] = {}
    with whoosh_index.open_dir(str(mixed_index)).searcher() as searcher:
        for fields in searcher.all_stored_fields():
            by_file.setdefault(fields["path"], set()).add(fields["lang"])
    assert by_file == {"ar.jsonl": {"ar"}, "de.jsonl": {"de"}, "en.jsonl": {"en"}}


def test_arabic_queries_find_every_spelling(mixed_index):
    with Engine(mixed_index) as engine:
        with_hamza = engine.search("الإسلام", limit=None)
        without = engine.search("الاسلام", limit=None)
        vowelled = engine.search("الإسْلَام", limit=None)
        assert with_hamza.total > 0
        assert with_hamza.total == without.total == vowelled.total
        assert langs_of(with_hamza) == {"ar"}
        # Highlighting uses the Arabic analyzer: the lit word is a spelling of the query.
        hit = with_hamza.hits[0]
        lit = {hit.text[s:e] for s, e in hit.highlights}
        assert lit and all("سلام" in w for w in lit)
        # Taa marbuta and the article: "حكومة" finds "الحكومه" and "الحكومة".
        assert engine.search("حكومه").total == engine.search("الحكومة").total > 0


def test_german_queries_are_stemmed_and_highlighted(mixed_index):
    with Engine(mixed_index) as engine:
        plural = engine.search("Gewerkschaften", limit=None)
        singular = engine.search("Gewerkschaft", limit=None)
        assert plural.total == singular.total > 0
        assert langs_of(plural) == {"de"}
        hit = plural.hits[0]
        lit = {hit.text[s:e].lower() for s, e in hit.highlights}
        assert lit and all(w.startswith("gewerkschaft") for w in lit)
        # German function words do not block a query, and `the` is still no query.
        assert engine.search("die Gewerkschaft").total > 0
        with pytest.raises(EmptyQuery):
            engine.search("the")
        assert engine.search("title:Gewerkschaft").total >= 0  # parses for every language


def test_english_still_stems_and_finds_only_english(mixed_index):
    with Engine(mixed_index) as engine:
        result = engine.search("economies", limit=None)
        assert result.total > 0 and langs_of(result) == {"en"}


def test_a_german_sentence_drops_its_german_function_words(tmp_path):
    from conftest import index_records

    records = [
        {"id": "jobs", "lang": "de", "text": "Die Regierung bekämpft die Arbeitslosigkeit."},
        {
            "id": "nasa",
            "lang": "de",
            "text": "Welche Maßnahmen hat die Nasa gegen Brände ergriffen? Welche hat sie?",
        },
        {"id": "other", "lang": "de", "text": "Die Bahn hat gegen den Streik geklagt."},
        {"id": "en", "lang": "en", "text": "Drugs change the bone marrow of man."},
    ]
    index = index_records(records, tmp_path)
    query = "Welche Maßnahmen hat die Regierung gegen die Arbeitslosigkeit ergriffen"
    with Engine(index) as engine:
        hits = engine.search(query, suggest=False, explain=True).hits
        # welche, hat, die, gegen are not searched for: the paragraph that has the
        # question's two topic words outranks the one that shares its grammar.
        assert hits[0].doc_id == "jobs"
        # Words are named as typed (issue 16: `matched_in` keys, `missing`, explain).
        assert hits[0].missing == ["Maßnahmen", "ergriffen"]
        assert {s.word for s in hits[0].explain} == {
            "Maßnahmen",
            "Regierung",
            "Arbeitslosigkeit",
            "ergriffen",
        }
        assert "other" not in {h.doc_id for h in hits}  # it had only function words
        # An English sentence keeps a word that is a German function word: `man` is
        # a noun there (and `also` is dropped as the English function word it is).
        query = "effects of drugs also on the bone marrow of man and animals"
        (hit,) = engine.search(query, suggest=False, explain=True).hits
        assert {s.word for s in hit.explain} == {
            "effects",
            "drugs",
            "bone",
            "marrow",
            "man",
            "animals",
        }


def test_did_you_mean_respells_a_german_word_with_a_german_one(tmp_path):
    from conftest import index_records

    records = [
        {"id": f"de{i}", "lang": "de", "text": f"Die Regierung hat am Montag getagt ({i})."}
        for i in range(3)
    ] + [{"id": "en", "lang": "en", "text": "The government met on Monday."}]
    with Engine(index_records(records, tmp_path)) as engine:
        result = engine.search("Regirung")
        # in the case typed (a capital kept), as the documents spell it otherwise
        assert result.hits == [] and result.suggestion == "Regierung"
        assert engine.search("regirung").suggestion == "regierung"
        assert engine.search("Regierung").suggestion is None  # a word found is fine
        assert engine.search("goverment").suggestion == "government"


def test_expand_reads_german_paragraphs_as_german(tmp_path):
    from conftest import index_records

    texts = {
        "a": "Die Arbeitslosigkeit steigt, der Arbeitsmarkt schwächelt, der Arbeitsmarkt leidet.",
        "b": "Arbeitslosigkeit und Arbeitsmarkt: Experten warnen vor dem schwachen Arbeitsmarkt.",
        "plain": "Die Arbeitslosigkeit ist im Winter bei Bauarbeitern häufig höher.",
        "market": "Die Arbeitslosigkeit ist auf dem Arbeitsmarkt das Thema Nummer eins.",
    }
    filler = [f"Der Zug {i} fährt heute pünktlich nach Salzburg und Linz." for i in range(40)]
    records = [{"id": k, "lang": "de", "text": v} for k, v in texts.items()] + [
        {"id": f"z{i}", "lang": "de", "text": t} for i, t in enumerate(filler)
    ]
    with Engine(index_records(records, tmp_path)) as engine:
        result = engine.search("Arbeitslosigkeit", suggest=False, expand=True, limit=10)
        assert "arbeitsmarkt" in result.expanded_with  # a German word, as written
        order = [h.doc_id for h in result.hits]
        assert order.index("market") < order.index("plain")  # the added word re-ranks
        assert result.total == 4  # and adds no paragraph
