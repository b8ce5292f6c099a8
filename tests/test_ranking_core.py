"""Ranking rules of the core: a shared heading must not drown a paragraph's own words."""

from __future__ import annotations

from index.indexer import index_paths
from search.engine import Engine


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
