"""The read path: parse a query, rank paragraphs, highlight them, show them.

Library use (everything the CLI does is callable from Python):

    from search.engine import Engine
    with Engine(index_dir) as engine:
        result = engine.search("ceasefire moscow", limit=10)

Kept import-free so `search "ceasefire"` starts fast.
"""
