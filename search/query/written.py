"""What each form of a query word matches: stems, written forms, or both.

- A bare word (`privatization`) is looked up by its stem in every language's text
  field, so it still finds `privatized`, and also by its written form in the
  `exact` field (index.fields) at WRITTEN_WEIGHT: a paragraph that says the word
  as typed outranks one that only shares its stem (`private`). Its stems in the
  language fields share one set of statistics (search.query.blended).
- A quoted word or phrase (`"privatization"`, `"peace talks"`) matches written forms
  only.
- Wildcards, prefixes and fuzzy terms (`privatiz*`, `*ization`, `goverment~`) expand
  over written forms, so `economic*` finds a subset of what `economi*` finds: over
  stems, `economic*` matched the stem `economic` (of `economics`, `economical`) and
  `economi*` did not.
"""

from __future__ import annotations

import copy
from itertools import count

from whoosh import query as wq
from whoosh.qparser import syntax
from whoosh.qparser.plugins import FuzzyTermPlugin, MultifieldPlugin, PhrasePlugin, PrefixPlugin
from whoosh.qparser.plugins import WildcardPlugin as _Wildcard

from index import fields
from index.fields import SEARCH_FIELDS, WRITTEN_FIELD

_PATTERNS = (
    PhrasePlugin.PhraseNode,
    _Wildcard.WildcardNode,
    PrefixPlugin.PrefixNode,
    FuzzyTermPlugin.FuzzyTermNode,
)
_GROUPS = count(1)
# Marks a written form (index.fields.WRITTEN_FIELD) among the terms and phrase words
# to light up (search.highlight); unmarked ones are stems of the hit's language.
WRITTEN = "\x1f"


def word_fields() -> dict[str, float]:
    """The fields a bare word is looked up in, with their weights (read at each
    parse: the relevance harness changes them in place)."""
    return {**SEARCH_FIELDS, WRITTEN_FIELD: fields.WRITTEN_WEIGHT}


class WrittenFormsPlugin(MultifieldPlugin):
    """Quoted words, phrases and patterns to the written forms; bare words to every
    language's stems and to the written forms, as one group (`WordGroup`)."""

    def __init__(self):
        super().__init__(list(SEARCH_FIELDS), fieldboosts=SEARCH_FIELDS)

    def do_multifield(self, parser, group):
        fields = word_fields()
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.do_multifield(parser, node)
            elif node.has_fieldname and node.fieldname is None:
                if isinstance(node, _PATTERNS):
                    node.set_fieldname(WRITTEN_FIELD)
                    continue
                copies = []
                for name, weight in fields.items():
                    if not weight:
                        continue
                    twin = copy.copy(node)
                    twin.set_fieldname(name)
                    twin.set_boost(weight)
                    copies.append(twin)
                group[i] = WordGroup(copies)
        return group


class WordGroup(syntax.GroupNode):
    """One typed word in several fields. Its query's leaves carry the same
    `word_group` number (how search.query tells one word's leaves from another's
    after Whoosh flattens `a OR b`), and its stems are scored as one (blended).
    Not an OrGroup, so the OR operator never merges two words into one group
    (`oil OR gas` is two words)."""

    qclass = wq.Or

    def query(self, parser):
        from search.query.blended import blend

        q = super().query(parser)
        if q is None:
            return q
        q = blend(q)
        number = next(_GROUPS)
        for leaf in q.leaves():
            leaf.word_group = number
        return q
