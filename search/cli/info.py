"""What an index holds: `search info` and `search fields [FIELD]`.

Everything is read from the index's word lists (Whoosh's per-field lexicons, with each
term's paragraph count) and the manifest, never by walking the stored paragraphs, so it
stays quick on a large index.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.fields import LANGUAGE_FIELDS, QUERY_FIELDS, field_language
from search.display.printable import printable

# Schema fields that are bookkeeping, not something a query names.
_INTERNAL = {"file_key", "root"}
_KINDS = {
    "text": "text (every language)",
    "title": "text (every language)",
    "heading": "text (every language)",
    "date": "date",
    "paragraph": "number",
    "page": "number",
    "tags": "keywords",
    "source": "keyword",
    "author": "keyword",
}


def _field_names(schema) -> list[str]:
    """The fields a query can name: the documented ones, then any other the index has
    (a custom field); per-language copies of text/title/heading are one field each."""
    names = [name for name in QUERY_FIELDS if name in schema or name in LANGUAGE_FIELDS]
    for name in schema.names():
        if name in _INTERNAL or name in names or field_language(name) is not None:
            continue
        names.append(name)
    return names


def _lexicon_fields(schema, name: str) -> list[str]:
    if name in LANGUAGE_FIELDS:
        return [f for f in schema.names() if f.partition("_")[0] == name and field_language(f)]
    return [name]


def value_counts(reader, schema, name: str) -> Counter:
    """Paragraphs per value of `name` (per word, for a text field), all languages merged."""
    counts: Counter = Counter()
    for fieldname in _lexicon_fields(schema, name):
        if fieldname not in schema:
            continue
        field = schema[fieldname]
        if hasattr(field, "shift_step"):  # numbers and dates: full-precision terms only
            terms = (
                (field.from_bytes(t), reader.doc_frequency(fieldname, t))
                for t in field.sortable_terms(reader, fieldname)
            )
        else:
            terms = _segment_terms(reader, fieldname)
        for value, frequency in terms:
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            if isinstance(value, datetime):
                value = value.date().isoformat()
            counts[value] += frequency
    return counts


def _segment_terms(reader, fieldname: str):
    """(term, paragraphs) from each segment's word list in one pass: the whole index's
    reader would look each term up again in every segment (seconds on 20,000 words)."""
    for leaf, _ in reader.leaf_readers():
        if fieldname in leaf.schema:
            for term, terminfo in leaf.iter_field(fieldname):
                yield term, terminfo.doc_frequency()


def fields_report(engine, field: str | None = None, top: int = 10) -> dict[str, Any]:
    """Every field a query can name; with `field`, its `top` most common values."""
    from index.errors import SearchToolError

    schema = engine.backend.schema
    names = _field_names(schema)
    reader = engine.backend.searcher.reader()
    if field is None:
        out = []
        for name in names:
            counts = value_counts(reader, schema, name)
            out.append(
                {
                    "field": name,
                    "kind": _KINDS.get(name, "keyword" if name != "doc_id" else "id"),
                    "distinct": len(counts),
                }
            )
        return {"fields": out}
    if field not in names:
        raise SearchToolError(f"no field {field!r} in this index; its fields: {', '.join(names)}")
    counts = value_counts(reader, schema, field)
    common = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]
    return {
        "field": field,
        "distinct": len(counts),
        "values": [{"value": _jsonable(v), "paragraphs": n} for v, n in common],
    }


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, int | float | str) else str(value)


def info_report(engine) -> dict[str, Any]:
    """The counts, size, languages, dates, indexed folders and last update of an index."""
    from index.manifest import Manifest

    reader = engine.backend.searcher.reader()
    schema = engine.backend.schema
    languages = value_counts(reader, schema, "lang")
    date_counts = value_counts(reader, schema, "date")
    dates = sorted(date_counts)
    index_dir = Path(engine.index_dir)
    with Manifest(index_dir) as manifest:
        files, documents, paragraphs = manifest.totals()
        roots = manifest.roots()
        per_root = dict(
            manifest.db.execute("SELECT root_id, COUNT(*) FROM files GROUP BY root_id").fetchall()
        )
        last = manifest.db.execute("SELECT MAX(indexed_at) FROM files").fetchone()[0]
    return {
        "index": str(index_dir),
        "documents": documents,
        "paragraphs": engine.paragraph_count(),
        "files": files,
        "size_bytes": _size_on_disk(index_dir),
        "languages": dict(languages.most_common()),
        "dates": {"first": dates[0], "last": dates[-1]} if dates else None,
        "undated_paragraphs": engine.paragraph_count() - sum(date_counts.values()),
        "roots": [
            {"path": str(r.path), "files": per_root.get(r.id, 0), "samples": r.seeds} for r in roots
        ],
        "last_updated": (
            datetime.fromtimestamp(last, UTC).isoformat(timespec="seconds") if last else None
        ),
    }


def _size_on_disk(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                total += path.stat().st_size
        except OSError:
            continue
    return total


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{n:,} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def print_info(data: dict[str, Any]) -> None:
    print(f"index:        {printable(data['index'])}")
    print(f"documents:    {data['documents']:,} (from {_files(data['files'])})")
    print(f"paragraphs:   {data['paragraphs']:,}")
    print(f"size on disk: {human_size(data['size_bytes'])}")
    langs = ", ".join(f"{lang} {n:,}" for lang, n in data["languages"].items()) or "none"
    print(f"languages:    {langs} (paragraphs)")
    if data["dates"]:
        undated = f"; {data['undated_paragraphs']:,} paragraphs undated"
        print(f"dates:        {data['dates']['first']} to {data['dates']['last']}{undated}")
    else:
        print("dates:        none")
    print(f"last updated: {data['last_updated'] or 'never'}")
    print("indexed:")
    for root in data["roots"]:
        samples = " (the bundled samples)" if root["samples"] else ""
        print(f"  {printable(root['path'])}  {_files(root['files'])}{samples}")


def _files(n: int) -> str:
    return f"{n:,} file{'s' * (n != 1)}"


def print_fields(data: dict[str, Any]) -> None:
    if "fields" in data:
        width = max(len(f["field"]) for f in data["fields"])
        for f in data["fields"]:
            print(f"{f['field'] + ':':<{width + 1}}  {f['kind']}, {f['distinct']:,} values")
        return
    print(f"{data['field']}: {data['distinct']:,} distinct values; the most common:")
    for v in data["values"]:
        print(f"{v['paragraphs']:>8,}  {printable(str(v['value']))}")
