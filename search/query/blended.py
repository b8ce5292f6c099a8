"""One set of word statistics for every language's field (Lucene's `combined_fields`).

Each analysed language has its own text field (index.whoosh.schema), and a bare word is
looked up in all of them. Scored field by field, the word's rarity would be counted
in each field apart: on a mixed archive `oil`, common in English, is rare in the
German field, so the one German paragraph about the Edmonton Oilers outranked the
English paragraphs about oil. As Lucene's BlendedTermQuery and `combined_fields`
do, a word's document frequency is here the sum over the fields of its term in
each (each field analyses the word its own way: `said` may stem differently in
German), and BM25's N and average length are those of all the fields together
(search.whoosh.scoring). On an archive of one language nothing changes; on a mixed one
an English word ranks as it does on an English-only archive.
"""

from __future__ import annotations

from whoosh import query as wq

# (field, term) of one typed word in every language's field.
Group = tuple[tuple[str, bytes | str], ...]


class BlendedTerm(wq.Term):
    """A term scored with the document frequency of its whole `group`."""

    def __init__(self, fieldname, text, boost=1.0, minquality=None, group: Group = ()):
        super().__init__(fieldname, text, boost=boost, minquality=minquality)
        self.group = group

    def matcher(self, searcher, context=None):
        weighting = searcher.weighting if context is None else context.weighting
        blend = getattr(weighting, "with_doc_frequency", None)
        if blend is not None and len(self.group) > 1:
            weighting = blend(blended_doc_frequency(searcher.get_parent(), self.group))
            context = (context or searcher.context()).set(weighting=weighting)
        return super().matcher(searcher, context)


def blended_doc_frequency(searcher, group: Group) -> int:
    """How many paragraphs have the word in any of its fields (a paragraph is in
    one language's fields only, so the sum counts none twice); kept per searcher."""
    kept = searcher.__dict__.setdefault("_blended_doc_frequencies", {})
    found = kept.get(group)
    if found is None:
        found = kept[group] = sum(searcher.doc_frequency(f, t) for f, t in group)
    return found


def blend(q: wq.Query) -> wq.Query:
    """`q` (one typed word's OR across fields) with its plain terms in a language
    field as BlendedTerms of one group."""
    from index.fields import field_language

    terms = [
        leaf
        for leaf in q.leaves()
        if type(leaf) is wq.Term and field_language(leaf.fieldname) is not None
    ]
    group: Group = tuple((t.fieldname, t.text) for t in terms)
    if len(group) < 2:
        return q

    def swap(node: wq.Query) -> wq.Query:
        if type(node) is wq.Term and (node.fieldname, node.text) in group:
            twin = BlendedTerm(node.fieldname, node.text, node.boost, node.minquality, group)
            twin.__dict__.update({k: v for k, v in node.__dict__.items() if k != "group"})
            twin.group = group
            return twin
        return node

    return q.accept(swap)
