"""The write path: files on disk become paragraphs in a Whoosh index.

Importing this package is cheap on purpose; the one-shot query path imports only
`index.whoosh.schema` (and what it needs) from here.
"""
