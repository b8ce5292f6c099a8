"""One set of word statistics for every language's field (Lucene's `combined_fields`).

Each analysed language has its own text field (index.whoosh.schema), and a bare word is
looked up in all of them. Scored field by field, the word's rarity would be counted
in each field apart: on a mixed archive `oil`, common in English, is rare in the
German field, so the one German paragraph about the Edmonton Oilers outranked the
English paragraphs about oil. As Lucene's BlendedTermQuery and `combined_fields`
do, a word's document frequency is here the sum over the fields of its term in
each (each field analyses the word its own way: `said` may stem differently in
German), and BM25's N and average length are those of the languages' fields that
hold the word, together (search.whoosh.scoring.word_statistics). On an archive of one
language nothing changes; on a mixed one an English word ranks as it does on an
English-only archive.
"""

from __future__ import annotations

from whoosh import query as wq

# (field, term) of one typed word in every language's field.
Group = tuple[tuple[str, bytes | str], ...]


class BlendedTerm(wq.Term):
    """A term scored with the statistics of its whole `group`: the group's document
    frequency (or, for a word's written form, its own: `written`) and the size of the
    languages that hold the word."""

    def __init__(
        self,
        fieldname,
        text,
        boost=1.0,
        minquality=None,
        group: Group = (),
        written: bool = False,
    ):
        super().__init__(fieldname, text, boost=boost, minquality=minquality)
        self.group = group
        self.written = written

    def matcher(self, searcher, context=None):
        weighting = searcher.weighting if context is None else context.weighting
        blend = getattr(weighting, "with_statistics", None)
        if blend is not None and len(self.group) > 1:
            parent = searcher.get_parent()
            statistics = blended_statistics(parent, self.group, weighting.word_statistics)
            if self.written:
                # The written forms hold the same words as the language fields, one
                # token for one (stemming changes no count), so the languages that hold
                # the word give this field's N and length too; its frequency is its own.
                statistics = (parent.doc_frequency(self.fieldname, self.text), *statistics[1:])
            weighting = blend(statistics)
            context = (context or searcher.context()).set(weighting=weighting)
        return super().matcher(searcher, context)


def blended_statistics(searcher, group: Group, word_statistics) -> tuple[int, int, int]:
    """(document frequency, N, total length) of a word over the fields of its group
    that hold it: how many paragraphs have it in any of them (a paragraph is in one
    language's fields only, so the sum counts none twice), and the size of those
    languages' fields (`word_statistics`: the weighting's, search.whoosh.scoring, so
    that this query node needs no backend module); kept per searcher."""
    kept = searcher.__dict__.setdefault("_blended_statistics", {})
    found = kept.get(group)
    if found is None:
        frequencies = [(f, searcher.doc_frequency(f, t)) for f, t in group]
        fields = [f for f, df in frequencies if df] or [group[0][0]]
        n_docs, length = word_statistics(searcher, fields)
        found = kept[group] = (sum(df for _, df in frequencies), n_docs, length)
    return found


def blend(q: wq.Query) -> wq.Query:
    """`q` (one typed word's OR across fields) with its plain terms in a language
    field as BlendedTerms of one group."""
    from index.fields import WRITTEN_FIELD, field_language

    terms = [
        leaf
        for leaf in q.leaves()
        if type(leaf) is wq.Term and field_language(leaf.fieldname) is not None
    ]
    group: Group = tuple((t.fieldname, t.text) for t in terms)
    if len(group) < 2:
        return q

    def swap(node: wq.Query) -> wq.Query:
        written = type(node) is wq.Term and node.fieldname == WRITTEN_FIELD
        if written or (type(node) is wq.Term and (node.fieldname, node.text) in group):
            twin = BlendedTerm(node.fieldname, node.text, node.boost, node.minquality)
            twin.__dict__.update({k: v for k, v in node.__dict__.items() if k != "group"})
            twin.group, twin.written = group, written
            return twin
        return node

    return q.accept(swap)
