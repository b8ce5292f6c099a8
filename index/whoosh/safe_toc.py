"""Whoosh's table of contents read without running what it says.

A Whoosh TOC (`_MAIN_<generation>.toc`) holds the schema and the segment list as
pickles, and unpickling runs whatever callable a pickle names: a rewritten TOC
could run `os.system` the moment an index is opened (the commit record's digest
is no guard when the record is missing too). So the TOC is read here with an
unpickler that accepts only the classes a schema and its segment list are made
of: Whoosh's fields, analysis classes, formats, columns and codec segments, our
own classes that are such schema parts, and a few plain builtins. Anything else makes the
TOC unreadable, which the caller reports as a damaged index.

`install()` puts `read_toc` in place of `whoosh.index.TOC.read`, so every reader
of a TOC (Whoosh's writer and index objects included) goes through it.
"""

from __future__ import annotations

import io
import pickle

# Plain values: (module, name) pairs. `__builtin__` is how protocol-2 pickles from
# Whoosh's Python 2 days name builtins; the unpickler maps it to `builtins`.
_PLAIN = {
    ("builtins", "frozenset"),
    ("builtins", "set"),
    ("builtins", "int"),
    ("builtins", "float"),
    ("builtins", "complex"),
    ("builtins", "bytearray"),
    ("__builtin__", "frozenset"),
    ("__builtin__", "set"),
    ("__builtin__", "int"),
    ("__builtin__", "long"),
    ("__builtin__", "float"),
    ("collections", "defaultdict"),
    ("collections", "OrderedDict"),
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("re", "_compile"),  # a tokenizer's expression: compiled, never run as code
}
# Whoosh's modules whose classes (never their functions) a schema or segment list
# is made of.
_CLASS_MODULES = (
    "whoosh.fields",
    "whoosh.formats",
    "whoosh.columns",
    "whoosh.analysis",
    "whoosh.codec.whoosh3",
)
# Our own package: any module of it, but only classes that are schema parts (fields,
# analysis steps, formats, columns), so a new field class of ours needs no change here.
_OUR_PACKAGE = "index"


def _schema_part(cls: type) -> bool:
    from whoosh.analysis.acore import Composable
    from whoosh.columns import Column
    from whoosh.fields import FieldType, Schema
    from whoosh.formats import Format

    return issubclass(cls, FieldType | Composable | Format | Column | Schema)


class UnsafeToc(pickle.UnpicklingError):
    """The TOC names something that is not part of a schema."""


class SchemaUnpickler(pickle.Unpickler):
    """An unpickler that builds only schema and segment classes."""

    def find_class(self, module: str, name: str):
        if (module, name) in _PLAIN:
            return super().find_class(module, name)
        if any(module == m or module.startswith(m + ".") for m in _CLASS_MODULES):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        elif module.startswith(_OUR_PACKAGE + "."):
            found = super().find_class(module, name)
            if isinstance(found, type) and _schema_part(found):
                return found
        raise UnsafeToc(f"the table of contents names {module}.{name}, not part of a schema")


def safe_loads(data: bytes):
    return SchemaUnpickler(io.BytesIO(data)).load()


def read_toc(cls, storage, indexname, gen=None, schema=None):
    """Whoosh's `TOC.read` (Whoosh-Reloaded 2.7.5), unpickling with `SchemaUnpickler`."""
    from whoosh.fields import ensure_schema
    from whoosh.index import (
        _CURRENT_TOC_VERSION,
        _FLOAT_SIZE,
        _INT_SIZE,
        _LONG_SIZE,
        EmptyIndexError,
        IndexVersionError,
    )

    if gen is None:
        gen = cls._latest_generation(storage, indexname)
        if gen < 0:
            raise EmptyIndexError(f"Index {indexname!r} does not exist in {storage!r}")
    stream = storage.open_file(cls._filename(indexname, gen))
    try:
        for name, target in (("int", _INT_SIZE), ("long", _LONG_SIZE), ("float", _FLOAT_SIZE)):
            size = stream.read_varint()
            if size != target:
                raise IndexError(f"Index was created on different architecture ({name}={size})")
        if stream.read_int() != -12345:
            raise IndexError("Number misread: byte order problem")
        version = stream.read_int()
        release = (stream.read_varint(), stream.read_varint(), stream.read_varint())
        if version != _CURRENT_TOC_VERSION:
            # Older TOC formats are read by Whoosh's loaders with plain pickle: refused.
            raise IndexVersionError(f"Can't read format {version}", version)
        pickled = stream.read_string()
        if not schema:
            schema = safe_loads(pickled)
        schema = ensure_schema(schema)
        index_gen = stream.read_int()
        if index_gen != gen:
            raise IndexError(f"the TOC of generation {gen} says {index_gen}")
        stream.read_int()  # unused
        segments = SchemaUnpickler(stream.file).load()
    finally:
        stream.close()
    return cls(schema, segments, gen, version=version, release=release)


def install() -> None:
    """Make every TOC read go through `read_toc` (idempotent)."""
    from whoosh.index import TOC

    if getattr(TOC.read, "__func__", None) is not read_toc:
        TOC.read = classmethod(read_toc)
