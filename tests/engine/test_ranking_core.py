"""Ranking rules of the core: a shared heading must not drown a paragraph's own words."""

from __future__ import annotations

import pytest

from index.indexer import index_paths
from search.engine import Engine

pytestmark = pytest.mark.usefixtures("backend")  # tests/conftest.py


def test_paragraph_that_says_the_word_outranks_paragraphs_under_a_heading_with_it(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    filler = "The committee met again on {} and discussed the budget for the coming year in detail."
    body = "\n\n".join(
        filler.format(day) for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    )
    (docs / "minutes.md").write_text(f"# Minutes\n\n## Moscow\n\n{body}\n")
    (docs / "report.txt").write_text(
        "Quarterly report\n\n"
        "Shipping volumes fell sharply in the autumn, and the delegation that travelled to "
        "Moscow in October returned without a new agreement on tariffs or port fees. "
        "Exporters blamed higher insurance premiums, longer customs checks at the border "
        "crossings, a shortage of rail wagons for grain and fertiliser, rising fuel costs "
        "for the trucking firms that serve the inland terminals, and the weak currency, "
        "which made imported spare parts for cranes and conveyors far more expensive.\n\n"
        "Freight rates recovered in December.\n"
    )
    ix = tmp_path / "ix"
    index_paths([docs], ix)
    with Engine(ix) as engine:
        result = engine.search("moscow")
    assert result.total == 6  # five under the heading, one that says it
    assert result.hits[0].doc_id == "report.txt"
    assert result.hits[0].text[slice(*result.hits[0].highlights[0])] == "Moscow"
    assert all(h.heading == "Moscow" for h in result.hits[1:])


def test_documents_in_another_language_do_not_change_english_scores(tmp_path):
    """A word's statistics are counted over the languages it is written in
    (search.whoosh.scoring.word_statistics): German paragraphs without the English words
    leave every English score as it was, N and average length included."""
    from tests.conftest import index_records

    english = [
        {"id": f"en{i}", "lang": "en", "title": "", "text": text}
        for i, text in enumerate(
            [
                "Talks on a ceasefire resumed in Moscow after a week of shelling near the border.",
                "The ceasefire held.",
                "Moscow said the grain deal could be extended if the ceasefire holds.",
                "Farmers in the south were planting later than usual because of the rain.",
            ]
        )
    ]
    german = [
        {"id": f"de{i}", "lang": "de", "title": "", "text": text}
        for i, text in enumerate(
            [
                "Die Regierung in Berlin kündigte neue Hilfen für die Landwirtschaft an, "
                "nachdem der Regen im Süden die Aussaat um Wochen verzögert hatte.",
                "Der Bundestag beriet am Donnerstag lange über den Haushalt des kommenden Jahres.",
            ]
            * 4
        )
    ]

    def scores(records, folder):
        folder.mkdir()
        with Engine(index_records(records, folder)) as engine:
            ranked = engine.rank("ceasefire moscow grain", limit=10, partial=True)
            return [(row[2]["doc_id"], round(row[1], 9)) for row in ranked.rows]

    alone = scores(english, tmp_path / "en")
    mixed = scores(english + german, tmp_path / "mixed")
    assert len(alone) == 3
    assert mixed == alone
