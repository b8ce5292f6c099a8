"""The shared analyzer: stemming, case, accents, typographic quotes."""

from __future__ import annotations

from index.whoosh.analysis import english_analyzer


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


def test_compatibility_letters_and_the_dotted_capital_i_fold_to_plain_letters(tmp_path):
    # `İstanbul` lowercases to i + a combining dot, and `ﬁ` is one ligature letter:
    # neither was found by the word as typed, though the README says case is ignored.
    assert terms("İstanbul ﬁnance ＵＮ") == terms("istanbul finance UN")
    from conftest import index_records

    from search.engine import Engine

    text = "Talks in İstanbul on ﬁnance.\n\nA later paragraph about istanbul."
    ix = index_records([{"id": "d", "title": "T", "text": text}], tmp_path)
    with Engine(ix) as engine:
        assert engine.count_all_words("istanbul") == 2
        assert engine.count_all_words("İSTANBUL") == 2
        hit = engine.search("finance", limit=1, suggest=False).hits[0]
        assert [hit.text[a:b] for a, b in hit.highlights] == ["ﬁnance"]
