"""Paragraph splitting and heading detection on real layouts."""

from __future__ import annotations

from conftest import FIXTURES, SEEDS, index_records

from index.chunking import chunk_markdown, chunk_plain, looks_like_heading, split_long

SEED = next(SEEDS.glob("*.txt"))


def test_seed_has_one_paragraph_per_line_and_line_3_is_a_heading():
    lines = SEED.read_text("utf-8").splitlines()
    title, paragraphs = chunk_plain(SEED.read_text("utf-8"))
    assert title == ""  # line 1 is a long sentence, not a title
    assert len(paragraphs) == len(lines) - 1  # every line but the heading
    assert [p.number for p in paragraphs] == list(range(1, len(lines)))
    assert paragraphs[0].text == lines[0] and paragraphs[0].heading == ""
    assert paragraphs[1].heading == ""
    for p in paragraphs[2:]:
        assert p.heading == lines[2]
    assert lines[2] not in [p.text for p in paragraphs]


def test_blank_lines_separate_paragraphs_and_hard_wraps_are_joined():
    title, paragraphs = chunk_plain((FIXTURES / "archive" / "dispatch-geneva.txt").read_text())
    assert title == "Talks in Geneva end without agreement"
    assert len(paragraphs) == 3
    assert paragraphs[0].text == (
        "Negotiators left Geneva on Friday without agreeing on a ceasefire, although "
        "both delegations said the talks had been useful."
    )


def test_markdown_headings_set_the_heading_field():
    title, paragraphs = chunk_markdown(
        (FIXTURES / "archive" / "reports" / "harbour-survey.md").read_text()
    )
    assert title == "Harbour Survey 2023"
    assert [(p.number, p.heading) for p in paragraphs] == [
        (1, ""),
        (2, "Findings"),
        (3, "Findings"),
        (4, "Recommendations"),
    ]
    assert paragraphs[3].text.startswith("Dredge the inner basin")


def test_a_list_of_short_lines_stays_paragraphs():
    text = "Intro sentence here.\n\nItem one\n\nItem two\n\nItem three\n\nA closing sentence."
    _, paragraphs = chunk_plain(text)
    assert [p.text for p in paragraphs] == [
        "Intro sentence here.",
        "Item one",
        "Item two",
        "Item three",
        "A closing sentence.",
    ]
    assert all(p.heading == "" for p in paragraphs)


def test_a_blank_line_inside_a_sentence_does_not_end_its_paragraph():
    # A converter that double-spaces lines (ADI's document 1, PDFs pasted as text) puts
    # blank lines inside sentences; the author's own breaks stay.
    text = (
        "The centre runs a system for dissemination and retrieval.\n\n"
        "It is compatible with all library mechanized\n\n"
        "records produced under a standard format,\n\n"
        "within the libraries.\n\n"
        "It offers these advantages:\n\n"
        "catalog cards and overdue notices.\n\n"
        "Without final punctuation\n\n"
        "Then a capital letter starts a paragraph.\n\n"
        "A list item\n\n"
        "3. A numbered item"
    )
    _, paragraphs = chunk_plain(text, detect_headings=False)
    assert [p.text for p in paragraphs] == [
        "The centre runs a system for dissemination and retrieval.",
        "It is compatible with all library mechanized records produced under a standard "
        "format, within the libraries.",
        "It offers these advantages:",
        "catalog cards and overdue notices.",
        "Without final punctuation",
        "Then a capital letter starts a paragraph.",
        "A list item",
        "3. A numbered item",
    ]
    assert [p.number for p in paragraphs] == list(range(1, 9))


def test_words_either_side_of_a_broken_sentence_match_one_paragraph(tmp_path):
    from search.engine import Engine

    ix = index_records(
        [
            {
                "id": "tic",
                "title": "Technical information centre",
                "text": (
                    "The centre is compatible with all library mechanized\n\n"
                    "records produced under a standard processing format.\n\n"
                    "Its catalogue is printed weekly."
                ),
            }
        ],
        tmp_path,
    )
    with Engine(ix) as engine:
        hits = engine.search("mechanized records").hits
    assert [(h.paragraph, h.missing) for h in hits] == [(1, [])]


def test_heading_rules():
    assert looks_like_heading("Findings")
    assert looks_like_heading("Hamas: “The Crimes Of The Occupation”")
    assert not looks_like_heading("He said it was over.")
    assert not looks_like_heading("“It is over,” he said.”")
    assert not looks_like_heading("x" * 200)


def test_giant_paragraph_is_cut_at_sentence_ends():
    sentence = "This sentence has exactly eight words in it. "
    pieces = list(split_long(sentence * 500, limit=1000))
    assert len(pieces) > 1
    assert all(len(p) <= 1000 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces) == (sentence * 500).strip()
