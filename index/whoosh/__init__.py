"""Whoosh's side of the write path: the schema and analyzers, the index on disk
(storage) and the parallel writer. The rest of `index` is engine-neutral."""
