"""Each document format, from a real-looking file made with the real libraries."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import archive_fixtures as af
import pytest

from index.formats import format_of, reader_for


def read(path: Path) -> tuple[list, list[str]]:
    warnings: list[str] = []
    docs = list(reader_for(format_of(path))(path, warnings.append))
    return docs, warnings


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_html_keeps_the_article_and_drops_navigation(tmp_path):
    (doc,), _ = read(af.make_html(tmp_path))
    assert doc.title == "Floods close the coast road"
    assert doc.date == datetime(2024, 3, 5)
    assert doc.author == "Jane Roe"
    assert doc.source == "Daily Courier"
    assert doc.lang == "en"
    assert texts(doc) == [af.FLOOD_1, af.FLOOD_2, af.FLOOD_3]
    assert [p.heading for p in doc.paragraphs] == ["", "What the council said"] * 1 + [
        "What the council said"
    ]
    joined = " ".join(texts(doc))
    assert "Subscribe" not in joined and "Privacy" not in joined


def test_pdf_paragraphs_pages_headings_and_metadata(tmp_path):
    (doc,), _ = read(af.make_pdf(tmp_path))
    assert doc.title == af.PDF_TITLE
    assert doc.author == "Harbour Authority"
    assert doc.date == datetime(2023, 6, 1, 12, 0)
    assert texts(doc) == [af.RESERVOIR, af.IRRIGATION, af.PIPES]
    assert [p.page for p in doc.paragraphs] == [1, 1, 2]
    assert [p.heading for p in doc.paragraphs] == [
        "Reservoir levels",
        "Reservoir levels",
        "Pipe repairs",
    ]


def test_pdf_lines_are_joined_and_dehyphenated():
    from index.formats.pdf import page_blocks

    page = (
        "Budget\n"
        "The council agreed a budget that pro-\n"
        "tects libraries and raises the harbour\n"
        "levy for larger ships.\n"
        "Short final note.\n"
        "7\n"
    )
    assert page_blocks(page) == [
        (True, "Budget"),
        (
            False,
            "The council agreed a budget that protects libraries and raises the harbour "
            "levy for larger ships.",
        ),
        (False, "Short final note."),
    ]


def test_pdf_paragraph_running_over_a_page_break_is_joined(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    lines = ["The ferry service will resume in the spring once the", "new pier is finished."]
    pdf.multi_cell(0, 6, lines[0], new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.multi_cell(0, 6, lines[1], new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, "Tickets go on sale in March.", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "split.pdf"
    pdf.output(str(path))
    (doc,), _ = read(path)
    assert [(p.text, p.page) for p in doc.paragraphs] == [
        ("The ferry service will resume in the spring once the new pier is finished.", 1),
        ("Tickets go on sale in March.", 2),
    ]
    assert doc.has_real_title is False  # no metadata title: the first words are shown


def test_docx_headings_tables_and_core_properties(tmp_path):
    (doc,), _ = read(af.make_docx(tmp_path))
    assert doc.title == af.DOCX_TITLE
    assert doc.author == "Marine Office"
    assert doc.date == datetime(2022, 9, 30, 10, 0)
    assert doc.lang == "en-GB"
    assert texts(doc) == [*af.DOCX_PARAS, "species | tonnes; cod | 1200"]
    assert [p.heading for p in doc.paragraphs] == ["Landings", "Prices", "Prices"]


def test_markdown_front_matter_headings_and_markup_stripped(tmp_path):
    (doc,), _ = read(af.make_markdown(tmp_path))
    assert doc.title == "Notes on the bridge survey"
    assert doc.date == datetime(2023, 11, 14)
    assert doc.source == "Field notebook"
    assert doc.author == "A. Surveyor"
    assert doc.tags == ["bridges", "survey"]
    first, items, table = doc.paragraphs
    assert first.text == (
        "The east pier shows hairline cracks near the waterline, see PIER-7 and photo of the crack."
    )
    assert first.heading == "Survey of the east pier"
    assert items.text == "• lorry of forty tonnes • crossing at walking pace"
    assert items.heading == table.heading == "Load test"
    assert table.text == "span | deflection; main | 12 mm;"


def test_markdown_without_front_matter_takes_the_first_heading_as_title(tmp_path):
    path = tmp_path / "plain.md"
    path.write_text("# Harbour log\n\nCalm seas *all* day.\n", "utf-8")
    (doc,), _ = read(path)
    assert doc.title == "Harbour log"
    assert texts(doc) == ["Calm seas all day."]


def test_eml_keeps_the_message_and_drops_quotes_and_signature(tmp_path):
    (doc,), _ = read(af.make_eml(tmp_path))
    assert doc.title == "Dredging contract approved"
    assert doc.date == datetime(2024, 3, 5, 10, 30)
    assert doc.author == "Alice <alice@example.org>"
    assert texts(doc) == [
        "Dear all,",
        "The harbour board approved the dredging contract at its meeting on Monday.",
        "Work starts in April and should take six weeks.",
    ]


def test_mbox_gives_one_document_per_message(tmp_path):
    docs, _ = read(af.make_mbox(tmp_path))
    assert [d.title for d in docs] == ["Lighthouse repainting", "Ferry timetable"]
    assert [d.doc_id for d in docs] == ["m2@example.org", "m3@example.org"]
    assert [d.date for d in docs] == [datetime(2024, 5, 1, 9), datetime(2024, 10, 3, 9)]
    assert texts(docs[1]) == ["The winter ferry timetable starts in October."]


def test_latin1_text_is_decoded(tmp_path):
    (doc,), _ = read(af.make_text_latin1(tmp_path))
    assert doc.title == "Café prices rise"
    assert texts(doc) == ["A coffee in the square now costs £3, up from £2.50 last year."]


def test_json_records_field_mapping(tmp_path):
    first, second = read(af.make_json(tmp_path))[0]
    assert (first.doc_id, first.title, first.author) == ("r1", "Port fees", "Ann, Ben")
    assert first.date == datetime(2021, 2, 3)
    assert first.tags == ["ports", "fees"]
    assert first.lang == "en"
    assert (second.title, second.lang) == ("Hafengebühren steigen", "de")
    assert texts(second) == [
        "Die Gebühren im Hafen steigen um vier Prozent, teilte die Behörde mit."
    ]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2024", datetime(2024, 1, 1)),
        ("2024-03", datetime(2024, 3, 1)),
        ("2015-07-21 10:30:00", datetime(2015, 7, 21, 10, 30)),
        ("2024-03-05T08:00:00+02:00", datetime(2024, 3, 5, 8, 0)),
        ("Tue, 05 Mar 2024 10:30:00 +0000", datetime(2024, 3, 5, 10, 30)),
        ("December, 1958", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_from_metadata(raw, expected):
    from index.dates import parse_date

    assert parse_date(raw) == expected


def test_records_sharing_an_id_stay_two_documents(tmp_path):
    # They were merged into one document: each record's paragraph was shown as the
    # other's context, and `--per-doc` counted them together.
    import json

    lines = [
        {"id": "w-1", "title": "First", "text": "Alpha paragraph."},
        {"id": "w-2", "title": "Other", "text": "Beta paragraph."},
        {"id": "w-1", "title": "Second", "text": "Gamma paragraph."},
    ]
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    docs, warnings = read(path)
    assert [(d.doc_id, d.title) for d in docs] == [
        ("w-1", "First"),
        ("w-2", "Other"),
        ("w-1 (2)", "Second"),
    ]
    assert warnings == ["line 3: id 'w-1' is used before; indexed as 'w-1 (2)'"]
    array = tmp_path / "wire.json"
    array.write_text(json.dumps(lines))
    docs, warnings = read(array)
    assert [d.doc_id for d in docs] == ["w-1", "w-2", "w-1 (2)"] and len(warnings) == 1
