"""SQLite FTS5 one-shot: import, open, match, rank, highlight, print.

Usage: python bench/oneshot_fts.py INDEX_DIR QUERY...
"""

import sqlite3
import sys

SQL = (
    "SELECT title, path, paragraph, snippet(p, 2, '[', ']', '…', 40) FROM p "
    "WHERE p MATCH ? ORDER BY bm25(p, 0.35, 0.25, 1.0) LIMIT 10"
)


def main() -> None:
    db = sqlite3.connect(f"{sys.argv[1]}/fts.sqlite3")
    for rank, (title, path, para, snip) in enumerate(db.execute(SQL, (" ".join(sys.argv[2:]),)), 1):
        print(f"{rank}. {title}\n   {path} ¶{para}\n   {snip}\n")


main()
