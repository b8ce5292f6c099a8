"""Did-you-mean names its suggestion as the documents write it, found cheaply:
only the words that can be the suggested term are analysed."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.documents import Document, Paragraph
from index.whoosh.storage import ParagraphWriter, create_index, open_index
from search import spelling
from search.engine import Engine

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py

PARAGRAPHS = [
    *[f"Talks at the Élysée Palace, round {n}, on the harbour dues." for n in range(12)],
    *[f"The Prime Minister's aides met again, session {n}." for n in range(12)],
    "A zeppelin flew over the harbour once.",
]


def index_of(texts: list[str], index_dir: Path) -> Path:
    """An index with one document of one paragraph per text."""
    create_index(index_dir)
    writer = ParagraphWriter(open_index(index_dir), index_dir)
    for n, text in enumerate(texts):
        writer.add_document(
            Document(f"d{n}", f"Note {n}", [Paragraph(1, text)]), f"r/{n}", "r", f"{n}"
        )
    writer.commit()
    return index_dir


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    with Engine(index_of(PARAGRAPHS, tmp_path_factory.mktemp("spelling") / "index")) as engine:
        yield engine


def test_a_misspelling_is_respelled_as_the_documents_write_it(engine):
    assert engine.search("elisee").suggestion == "élysée"  # accent and case as written
    assert engine.search("ministr").suggestion == "minister"  # written `Minister's`
    assert engine.search("palase talks").suggestion == "palace talks"


def test_a_correct_rare_word_is_left_alone(engine):
    result = engine.search("zeppelin")
    assert result.total == 1 and result.suggestion is None


def test_only_words_that_can_be_the_term_are_analysed(engine, monkeypatch):
    analysed: list[str] = []
    backend = engine.backend
    original = backend.analyzer("text")

    class Counting:
        def __getattr__(self, name):
            return getattr(original, name)

        def __call__(self, text, **kwargs):
            analysed.append(text)
            return original(text, **kwargs)

    monkeypatch.setattr(backend, "analyzer", lambda field: Counting())
    assert spelling.surface_form(backend, "elyse") == "élysée"
    # one distinct word starting with e/é in the paragraphs read, not the paragraphs
    assert analysed == ["Élysée"]


def test_a_function_word_or_a_distant_word_is_never_the_suggestion(tmp_path):
    # `whet` is one letter from `what` (in every paragraph) and two from `wheat`.
    texts = [f"What happened in round {n}? Nobody knew what." for n in range(12)]
    texts += [f"The wheat harvest, report {n}." for n in range(12)]
    texts += [f"They went home, day {n}." for n in range(12)]
    with Engine(index_of(texts, tmp_path / "index")) as engine:
        assert engine.search("whet").suggestion == "wheat"
        # Two edits on a five-letter word make another word, not a typo.
        assert engine.search("wheel").suggestion is None
        assert engine.search("whaet").suggestion == "wheat"  # a swap is one edit


def test_a_typo_that_breaks_the_stem_is_respelled_from_the_letters_it_starts_with(tmp_path):
    # `elecion` stems to itself, three edits from `elect` (election's stem) but two
    # from `elocon`: the stem's neighbours alone offered the drug for the election.
    texts = [f"The election of the president, report {n}." for n in range(6)]
    texts += ["Elocon cream was approved.", "Elocon sales rose.", "Elocon is a steroid."]
    with Engine(index_of(texts, tmp_path / "index")) as engine:
        assert engine.search("elecion").suggestion == "election"
        assert engine.search("presidnet").suggestion == "president"
        assert engine.search("elocon cream").suggestion is None  # found as typed
