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
