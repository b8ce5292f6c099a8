"""Make one real-looking file of each supported format, with the real libraries.

The tests write these into a temporary folder (nothing binary is committed), and
assert on the titles, dates, headings, pages and paragraphs given here.
"""

from __future__ import annotations

import mailbox
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

FLOOD_1 = (
    "Heavy rain overnight flooded the coast road between the harbour and the old bridge, "
    "and the council closed it at dawn while crews pumped water from the low stretch."
)
FLOOD_2 = (
    "A council spokesperson said the road would stay closed until engineers had checked "
    "the sea wall, which was damaged in a storm last winter."
)
FLOOD_3 = "Residents were advised to use the inland route through the valley instead."

HTML_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><title>Floods close the coast road | Daily Courier</title>
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-03-05T08:00:00Z">
<meta property="og:site_name" content="Daily Courier"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a>
<a href="/subscribe">Subscribe to our newsletter</a></nav>
<article><h1>Floods close the coast road</h1>
<p>{FLOOD_1}</p>
<h2>What the council said</h2>
<p>{FLOOD_2}</p>
<p>{FLOOD_3}</p>
</article>
<footer>Copyright 2024 Daily Courier. All rights reserved. Privacy policy.</footer>
</body></html>
"""

PDF_TITLE = "Annual Water Report"
RESERVOIR = (
    "The northern reservoir held eighty per cent of its capacity at the end of the spring, "
    "well above the average for the season, after heavy rainfall in April and May refilled "
    "the upper basin."
)
IRRIGATION = "Engineers expect levels to fall through the summer as irrigation demand rises."
PIPES = (
    "Crews replaced four kilometres of cast iron mains in the old town, cutting leakage by "
    "a third compared with the previous year."
)

DOCX_TITLE = "Quarterly Fisheries Review"
DOCX_PARAS = [
    "Cod landings at the northern ports fell for the third quarter running.",
    "Mackerel prices recovered after the winter glut.",
]

MARKDOWN_NOTE = """---
title: Notes on the bridge survey
date: 2023-11-14
source: Field notebook
author: A. Surveyor
tags: [bridges, survey]
---

# Survey of the east pier

The **east pier** shows *hairline* cracks near the [waterline](https://example.org/pier),
see `PIER-7` and ![photo of the crack](crack.jpg).

## Load test

- lorry of forty tonnes
- crossing at walking pace

| span | deflection |
|------|-----------|
| main | 12 mm |
"""

MAIL_SIGNATURE = "-- "  # the signature delimiter keeps its trailing space
MAIL_BODY = f"""Dear all,

The harbour board approved the dredging contract at its meeting on Monday.

Work starts in April and should take six weeks.

On Mon, 4 Mar 2024 at 09:00, Bob <bob@example.org> wrote:
> Has the board voted yet?
> Thanks

{MAIL_SIGNATURE}
Alice Harbourmaster
Harbour Board, Pier Road
"""


def make_html(folder: Path) -> Path:
    path = folder / "flood.html"
    path.write_text(HTML_PAGE, "utf-8")
    return path


def make_pdf(folder: Path, name: str = "water.pdf") -> Path:
    """Two pages, a heading on each, metadata title/author/creation date (fpdf2)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(PDF_TITLE)
    pdf.set_author("Harbour Authority")
    pdf.set_creation_date(datetime(2023, 6, 1, 12, 0, tzinfo=UTC))
    for heading, paragraphs in (
        ("Reservoir levels", [RESERVOIR, IRRIGATION]),
        ("Pipe repairs", [PIPES]),
    ):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        for text in paragraphs:
            pdf.multi_cell(0, 6, text)
            pdf.ln(4)
    path = folder / name
    pdf.output(str(path))
    return path


def make_encrypted_pdf(folder: Path) -> Path:
    """A PDF that needs a user password (RC4, which pypdf reads without extra packages)."""
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(folder, "plain-for-encryption.pdf")
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    path = folder / "locked.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def make_docx(folder: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = DOCX_TITLE
    document.core_properties.author = "Marine Office"
    document.core_properties.created = datetime(2022, 9, 30, 10, 0)
    document.core_properties.language = "en-GB"
    document.add_heading("Landings", level=1)
    document.add_paragraph(DOCX_PARAS[0])
    document.add_heading("Prices", level=1)
    document.add_paragraph(DOCX_PARAS[1])
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate((("species", "tonnes"), ("cod", "1200"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = folder / "fisheries.docx"
    document.save(str(path))
    return path


def make_markdown(folder: Path) -> Path:
    path = folder / "bridge.md"
    path.write_text(MARKDOWN_NOTE, "utf-8")
    return path


def mail_message(subject: str, body: str, when: str, msg_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Alice <alice@example.org>"
    message["To"] = "board@example.org"
    message["Subject"] = subject
    message["Date"] = when
    message["Message-ID"] = f"<{msg_id}@example.org>"
    message.set_content(body)
    return message


def make_eml(folder: Path) -> Path:
    path = folder / "dredging.eml"
    message = mail_message(
        "Dredging contract approved", MAIL_BODY, "Tue, 05 Mar 2024 10:30:00 +0000", "m1"
    )
    path.write_bytes(bytes(message))
    return path


def make_mbox(folder: Path) -> Path:
    path = folder / "board.mbox"
    box = mailbox.mbox(str(path))
    box.add(
        mail_message(
            "Lighthouse repainting",
            "The lighthouse will be repainted in May.\n",
            "Wed, 01 May 2024 09:00:00 +0000",
            "m2",
        )
    )
    box.add(
        mail_message(
            "Ferry timetable",
            "The winter ferry timetable starts in October.\n",
            "Thu, 03 Oct 2024 09:00:00 +0000",
            "m3",
        )
    )
    box.flush()
    box.close()
    return path


def make_text_latin1(folder: Path) -> Path:
    path = folder / "latin1.txt"
    text = "Café prices rise\n\nA coffee in the square now costs £3, up from £2.50 last year.\n"
    path.write_bytes(text.encode("latin-1"))
    return path


def make_json(folder: Path) -> Path:
    import json

    path = folder / "records.json"
    records = [
        {
            "id": "r1",
            "title": "Port fees",
            "body": "Port fees rise by four per cent.",
            "published": "2021-02-03",
            "authors": ["Ann", "Ben"],
            "language": "en",
            "tags": "ports,fees",
        },
        {
            "id": "r2",
            "headline": "Hafengebühren steigen",
            "text": "Die Gebühren im Hafen steigen um vier Prozent, teilte die Behörde mit.",
            "date": "2021-02-04",
            "lang": "de",
        },
    ]
    path.write_text(json.dumps(records), "utf-8")
    return path


def make_all(folder: Path) -> dict[str, Path]:
    """One file of each format in `folder`; returns {format: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "html": make_html(folder),
        "pdf": make_pdf(folder),
        "docx": make_docx(folder),
        "md": make_markdown(folder),
        "eml": make_eml(folder),
        "mbox": make_mbox(folder),
        "txt": make_text_latin1(folder),
        "json": make_json(folder),
    }


def make_bad(folder: Path) -> dict[str, Path]:
    """Broken and hostile input: each must be reported while the run goes on."""
    folder.mkdir(parents=True, exist_ok=True)
    good = make_pdf(folder, "good.pdf")
    truncated = folder / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    fake_docx = folder / "not-really.docx"
    with zipfile.ZipFile(fake_docx, "w") as zf:
        zf.writestr("hello.txt", "just a zip file")
    no_body = folder / "empty-page.html"
    no_body.write_text("<html><head><title>Nothing here</title></head></html>", "utf-8")
    huge = folder / "huge.txt"
    with open(huge, "wb") as fh:  # sparse: 200 MB on paper, no disk space used
        fh.truncate(200 * 1024 * 1024)
    loop = folder / "loop"
    loop.mkdir()
    (loop / "inner.txt").write_text("Inside the loop\n\nA paragraph inside the looped folder.\n")
    (loop / "again").symlink_to(loop, target_is_directory=True)
    return {
        "good": good,
        "truncated": truncated,
        "encrypted": make_encrypted_pdf(folder),
        "fake_docx": fake_docx,
        "no_body": no_body,
        "huge": huge,
        "loop": loop,
    }
