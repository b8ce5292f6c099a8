"""The two same-run baselines: minimal raw Whoosh and SQLite FTS5.

Raw Whoosh is the floor of our engine: the product's schema and analyzer
(`index.whoosh.schema.build_schema`), paragraphs from the product's own reader, one
`ix.writer(procs=N)` with Whoosh's defaults except `compound=False` (so its
one-shot is not made O(index) by compound files), one commit at the end, and
queries through Whoosh's own `MultifieldParser` and highlighter.

SQLite FTS5 is the embedded peer every Python has: porter/unicode61 tokenizer,
bm25() with the same field weights, highlight() for the matched words.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from index.fields import SEARCH_FIELDS
from index.formats.records import read_jsonl
from index.whoosh.schema import CONTEXT_WEIGHTS, folded_text


def paragraphs(files: list[Path]) -> Iterator[dict]:
    """Every paragraph of `files` as Whoosh fields (the same ones our writer stores)."""
    for path in files:
        for doc in read_jsonl(path, lambda _msg: None):
            common = {
                "file_key": f"bench/{path.name}",
                "root": "bench",
                "doc_id": doc.doc_id,
                "path": path.name,
                "format": doc.format,
                "title": doc.title,
                "source": doc.source,
            }
            if doc.date is not None:
                common["date"] = doc.date
            title = doc.title if doc.has_real_title else ""
            for p in doc.paragraphs:
                yield dict(
                    common,
                    paragraph=p.number,
                    text=folded_text(p.text, title, p.heading),  # as our writer indexes it
                    _stored_text=p.text,
                    heading=p.heading,
                )


def build_raw(files: list[Path], out: Path, procs: int) -> int:
    from whoosh import index

    from index.whoosh.schema import build_schema

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    ix = index.create_in(str(out), build_schema())
    writer = ix.writer(procs=procs, compound=False) if procs > 1 else ix.writer(compound=False)
    n = 0
    for fields in paragraphs(files):
        fields = {k: v for k, v in fields.items() if v != ""}
        writer.add_document(**fields)
        n += 1
    writer.commit()
    return n


def folder_documents(target: Path) -> Iterator[tuple]:
    """(found file, document) for every document the product's readers make of the
    files under `target` (a folder or one file), in discovery order."""
    from index.discovery import walk
    from index.formats import format_of, reader_for

    root = target if target.is_dir() else target.parent
    for found in walk(target, root):
        fmt = format_of(found.path)
        if fmt is not None:
            for doc in reader_for(fmt)(found.path, lambda _msg: None):
                yield found, doc


def build_raw_folder(folder: Path, out: Path, procs: int) -> tuple[int, int]:
    """The raw loop over a folder of files: each file read by the product's reader
    for its format, every paragraph added as our writer adds it (same fields), one
    `ix.writer(procs=N)`, one commit. (documents, paragraphs)."""
    from whoosh import index

    from index.whoosh.schema import build_schema

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    ix = index.create_in(str(out), build_schema())
    writer = ix.writer(procs=procs, compound=False) if procs > 1 else ix.writer(compound=False)
    docs = n = 0
    for found, doc in folder_documents(folder):
        docs += 1
        title = doc.title if doc.has_real_title else ""
        for p in doc.paragraphs:
            fields = {
                "file_key": f"bench/{found.relpath}",
                "root": "bench",
                "doc_id": doc.doc_id or found.relpath,
                "path": found.relpath,
                "format": doc.format,
                "title": doc.title,
                "paragraph": p.number,
                "text": folded_text(p.text, title, p.heading),
                "_stored_text": p.text,
                "heading": p.heading,
            }
            writer.add_document(**{k: v for k, v in fields.items() if v != ""})
            n += 1
    writer.commit()
    return docs, n


FTS_SCHEMA = (
    "CREATE VIRTUAL TABLE p USING fts5(title, heading, text, doc_id UNINDEXED, "
    "path UNINDEXED, paragraph UNINDEXED, date UNINDEXED, tokenize='porter unicode61')"
)


def build_fts(files: list[Path], out: Path) -> int:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    db = sqlite3.connect(out / "fts.sqlite3")
    db.execute(FTS_SCHEMA)
    rows = (
        (
            f["title"],
            f["heading"],
            f["_stored_text"],
            f["doc_id"],
            f["path"],
            f["paragraph"],
            f["date"].isoformat() if "date" in f else None,
        )
        for f in paragraphs(files)
    )
    with db:
        db.executemany("INSERT INTO p VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    n = db.execute("SELECT COUNT(*) FROM p").fetchone()[0]
    db.execute("INSERT INTO p(p) VALUES ('optimize')")
    db.commit()
    db.close()
    return n


# bm25() weights in column order title, heading, text.
FTS_WEIGHTS = (CONTEXT_WEIGHTS["title"], CONTEXT_WEIGHTS["heading"], 1.0)
FTS_SQL = (
    "SELECT doc_id, path, paragraph, title, highlight(p, 2, '\x02', '\x03') FROM p "
    "WHERE p MATCH ? {extra} ORDER BY bm25(p, ?, ?, ?) LIMIT ?"
)


class RawSearcher:
    """Raw Whoosh: parse, search top-k, highlight the text of each hit with Whoosh."""

    def __init__(self, index_dir: Path):
        from whoosh import index
        from whoosh.qparser import GtLtPlugin, MultifieldParser

        from search.query.parsing import FuzzyPlugin

        self.ix = index.open_dir(str(index_dir))
        self.parser = MultifieldParser(list(SEARCH_FIELDS), self.ix.schema, SEARCH_FIELDS)
        # Whoosh's own `word~` syntax, with our default prefix: the same query as ours.
        self.parser.add_plugin(FuzzyPlugin())
        self.parser.add_plugin(GtLtPlugin())
        self.searcher = self.ix.searcher()

    def search(self, text: str, limit: int = 10) -> list[tuple[str, str]]:
        q = self.parser.parse(text)
        results = self.searcher.search(q, limit=limit)
        return [(r["doc_id"], r.highlights("text")) for r in results]

    def close(self) -> None:
        self.searcher.close()


class FtsSearcher:
    def __init__(self, index_dir: Path):
        self.db = sqlite3.connect(index_dir / "fts.sqlite3")

    def search(self, match: str, extra: str = "", limit: int = 10) -> list[tuple]:
        sql = FTS_SQL.format(extra=extra)
        return self.db.execute(sql, (match, *FTS_WEIGHTS, limit)).fetchall()

    def close(self) -> None:
        self.db.close()
