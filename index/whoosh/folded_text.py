"""The paragraph text field, with the paragraph's title and heading folded in.

Bare query words are scored in one field per language instead of a sum of
separate text, title and heading scores. Summing per-field BM25 scores counts a
word twice when it is in the title and in the text (each field saturates on its
own), which overrates title words for some collections and underrates them for
others. Folding the title and heading into the text as weighted occurrences is
BM25F proper (Robertson & Zaragoza): one term frequency, `tf_text + 0.35 *
tf_title + 0.25 * tf_heading`, saturated once.

Positions: the paragraph's own words come first, from 0; the title starts at
CONTEXT_START and the heading at HEADING_START, so a phrase never runs from the
text into the title, and `text:` queries can keep to the paragraph's own words
(positions below CONTEXT_START).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from whoosh.fields import TEXT

CONTEXT_START = 1 << 20  # far past the last word of any paragraph
HEADING_START = CONTEXT_START + (1 << 16)


class Sections(tuple):
    """`((text, weight, first_position), ...)`: what a FoldedText field indexes."""

    __slots__ = ()


def sections(
    text: str, title: str = "", heading: str = "", *, title_weight: float, heading_weight: float
) -> Sections:
    """The indexed value of a paragraph: its text, then its title and heading."""
    parts = [(text, 1.0, 0)]
    if title:
        parts.append((title, title_weight, CONTEXT_START))
    if heading:
        parts.append((heading, heading_weight, HEADING_START))
    return Sections(parts)


class FoldedText(TEXT):
    """A TEXT field that also accepts `Sections`, each word weighted by its section."""

    def index(self, value, **kwargs) -> Iterator[tuple[bytes, int, float, bytes]]:
        if not isinstance(value, Sections):
            yield from super().index(value, **kwargs)
            return
        positions: dict[str, list[int]] = defaultdict(list)
        weights: dict[str, float] = defaultdict(float)
        for text, weight, start in value:
            if not text or weight <= 0:
                continue
            for token in self.analyzer(text, positions=True, start_pos=start, mode="index"):
                positions[token.text].append(token.pos)
                weights[token.text] += weight
        encode = self.format.encode
        for word, where in positions.items():
            yield word.encode("utf-8"), len(where), weights[word], encode(where)
