"""Raw-Whoosh one-shot: import, open, parse, search, highlight, print. The floor.

Usage: python bench/oneshot_raw.py INDEX_DIR QUERY...
"""

import sys

from whoosh import index
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

FIELDS = {"text": 1.0, "text_de": 1.0, "text_ar": 1.0}  # = index.whoosh.schema.SEARCH_FIELDS


def main() -> None:
    ix = index.open_dir(sys.argv[1])
    parser = MultifieldParser(list(FIELDS), ix.schema, FIELDS)
    parser.add_plugin(FuzzyTermPlugin())
    q = parser.parse(" ".join(sys.argv[2:]))
    with ix.searcher() as s:
        for rank, hit in enumerate(s.search(q, limit=10), 1):
            print(f"{rank}. {hit['title']}\n   {hit['path']} ¶{hit['paragraph']}")
            print(f"   {hit.highlights('text')}\n")


main()
