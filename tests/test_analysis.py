"""The shared analyzer: stemming, case, accents, typographic quotes."""

from __future__ import annotations

from index.analysis import english_analyzer


def terms(text: str) -> list[str]:
    return [t.text for t in english_analyzer()(text)]


def test_plural_and_singular_share_a_stem():
    assert terms("ceasefires") == terms("ceasefire") == terms("Ceasefire")


def test_typographic_and_ascii_apostrophes_index_alike():
    assert terms("Putin’s envoy") == terms("Putin's envoy") == terms("Putin envoy")


def test_accents_fold():
    assert terms("Zürich café") == terms("zurich cafe")


def test_us_is_not_a_stop_word_but_the_is():
    assert terms("the US deficit") == ["us", "deficit"]


def test_snowball_keeps_apart_words_the_old_port_merged():
    """Whoosh's own Snowball port stemmed `organism` to `organ`, `international` to
    `intern`, `evening` to `even` and `added` to `ad`: a search for one found the other."""
    for word, other in [
        ("organism", "organ"),
        ("international", "intern"),
        ("evening", "even"),
        ("lateral", "later"),
    ]:
        assert terms(word) != terms(other), (word, other)
    assert terms("organisms") == terms("organism")
    assert terms("added adding") == terms("add add")


def test_the_stemmer_survives_the_schema_pickle():
    """Whoosh pickles the schema, analyzers included, into every index."""
    import pickle

    analyzer = pickle.loads(pickle.dumps(english_analyzer()))
    assert [t.text for t in analyzer("organisms growing")] == terms("organism grow")
