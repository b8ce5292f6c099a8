"""`path:bbc_news` finds the documents under a folder or in a file of that name.

The `path` field holds each document's whole relative path as one term, so a bare
`path:` value matched only a path written out in full: `path:bbc_news` found
nothing while `path:bbc*` found the BBC file. A bare value now matches a path that
is that value, or has it as one of its folder or file names, with or without the
file's extensions (`bbc_news` is `bbc_news.jsonl`), case ignored. Patterns
(`path:reports/*`) keep Whoosh's meaning.
"""

from __future__ import annotations

from whoosh import query as wq

FIELD = "path"


class PathComponent(wq.MultiTerm):
    """The paths that are `text` or have it as a folder or file name."""

    def __init__(self, fieldname: str, text: str, boost: float = 1.0, constantscore: bool = True):
        self.fieldname = fieldname
        self.text = text
        self.boost = boost
        self.constantscore = constantscore

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and self.fieldname == other.fieldname
            and self.text == other.text
        )

    def __hash__(self):
        return hash((type(self), self.fieldname, self.text))

    def __repr__(self):
        return f"{type(self).__name__}({self.fieldname!r}, {self.text!r})"

    def __str__(self):
        return f"{self.fieldname}:{self.text}"

    def _btexts(self, ixreader):
        if self.fieldname not in ixreader.schema:
            return
        for btext in ixreader.lexicon(self.fieldname):
            if has_component(btext.decode("utf-8", "replace"), self.text):
                yield btext


def has_component(path: str, value: str) -> bool:
    """Whether `value` is `path`, or one of its names, or a file name without its
    extensions (case ignored): `bbc_news` in `news/bbc_news.jsonl`."""
    want = value.strip("/").casefold()
    path = path.casefold()
    if path == want or path.startswith(want + "/") or ("/" + want + "/") in path:
        return True
    names = path.split("/")
    if "/" in want:  # a folder path inside: `reports/2024`
        return f"/{want}/" in f"/{path}/"
    last = names[-1]
    return want in names or last.split(".")[0] == want


def by_components(q: wq.Query) -> wq.Query:
    """`q` with each bare `path:` term made a PathComponent."""

    def swap(node: wq.Query) -> wq.Query:
        if type(node) is wq.Term and node.fieldname == FIELD:
            text = node.text.decode() if isinstance(node.text, bytes) else str(node.text)
            return PathComponent(FIELD, text, boost=node.boost)
        return node

    return q.accept(swap)
