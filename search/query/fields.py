"""Query support for the per-language fields (see index.fields).

`title:wasser` must look in the German title field as well as the English one;
this plugin turns a query term naming `text`, `title` or `heading` into an OR of
that field in every analysed language, each word analysed by its field's analyzer.
Bare words need nothing from here: SEARCH_FIELDS already lists every language's field.
"""

from __future__ import annotations

import copy

from whoosh.qparser import syntax
from whoosh.qparser.plugins import Plugin

from index.fields import LANGUAGE_FIELDS, language_variants
from search.query.written import WordGroup


class LanguageFieldsPlugin(Plugin):
    """Expand `text:`/`title:`/`heading:` terms over every language's field, scored
    as one word (search.blended)."""

    # Before MultifieldPlugin (110): only terms a person gave a field name are touched.
    priority = 100

    def filters(self, parser):
        return [(self.expand, self.priority)]

    def expand(self, parser, group):
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.expand(parser, node)
            elif node.has_fieldname and node.fieldname in LANGUAGE_FIELDS:
                copies = []
                for name in language_variants(node.fieldname):
                    twin = copy.copy(node)
                    twin.set_fieldname(name, override=True)
                    copies.append(twin)
                wrap = BodyOnlyGroup if node.fieldname == "text" else WordGroup
                group[i] = wrap(copies)
        return group


class BodyOnlyGroup(WordGroup):
    """`text:` looks at the paragraph's own words only (see search.query.body_only)."""

    def query(self, parser):
        from search.query.body_only import BodyOnly

        return BodyOnly(super().query(parser))
