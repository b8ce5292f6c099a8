"""A whole document, paragraph by paragraph, the hit paragraph marked and every
matched word highlighted; `jump()` steps through the matches (n / N)."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from search.display.printable import plain_text, printable_hit
from search.display.styles import HEADING_STYLE, MATCH_STYLE, PATH_STYLE, TITLE_STYLE, styled_text
from search.results import Hit

CURRENT_MATCH_STYLE = "reverse bold"
# A document longer than this is shown as a window around the hit paragraph, so a
# whole book never turns into thousands of widgets.
MAX_PARAGRAPHS = 400
CONTEXT_LINES = 3  # lines of the paragraph before the hit kept in view above it


def paragraph_text(para: Hit, show_heading: bool, current: int | None = None) -> Text:
    """One paragraph: its heading when it starts a section, ¶N, the highlighted text."""
    para = printable_hit(para)  # control characters shown, not sent to the terminal
    text = Text()
    if show_heading and para.heading:
        text.append(f"§ {para.heading}\n", style=HEADING_STYLE)
    text.append(f"¶{para.paragraph}  ", style=PATH_STYLE)
    body = styled_text(para.text, para.highlights, match=MATCH_STYLE)
    if current is not None:
        start, end = para.highlights[current]
        body.stylize(CURRENT_MATCH_STYLE, start, end)
    text.append_text(body)
    return text


def header_text(para: Hit) -> Text:
    para = printable_hit(para)
    text = styled_text(para.title or para.path, para.title_highlights, TITLE_STYLE)
    details = [para.path if para.doc_id in ("", para.path) else f"{para.path} › {para.doc_id}"]
    details += [d for d in (para.source, para.date.strftime("%Y-%m-%d") if para.date else "") if d]
    text.append("\n" + " · ".join(details), style="dim")
    return text


class ParagraphBlock(Static):
    """One paragraph of the document (class `hit` on the one the search found)."""

    def __init__(self, para: Hit, show_heading: bool, **kwargs) -> None:
        super().__init__(paragraph_text(para, show_heading), **kwargs)
        self.para = para
        self.show_heading = show_heading

    def mark(self, current: int | None) -> None:
        self.update(paragraph_text(self.para, self.show_heading, current))


class DocumentView(VerticalScroll):
    """Scrollable reading view of one document."""

    def __init__(self, show_header: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.show_header = show_header
        self.paragraphs: list[Hit] = []
        self.hit: Hit | None = None
        self.blocks: list[ParagraphBlock] = []
        self.matches: list[tuple[int, int]] = []  # (block index, span index)
        self.current: int | None = None

    async def show(self, hit: Hit, paragraphs: list[Hit]) -> None:
        """Replace the content with `paragraphs` and scroll `hit`'s paragraph into view."""
        self.hit, self.current = hit, None
        at = next((i for i, p in enumerate(paragraphs) if p.paragraph == hit.paragraph), 0)
        lo = max(0, min(at - MAX_PARAGRAPHS // 2, len(paragraphs) - MAX_PARAGRAPHS))
        window = paragraphs[lo : lo + MAX_PARAGRAPHS]
        self.paragraphs = window
        widgets: list[Static] = []
        if self.show_header:
            header = header_text(window[0] if window else hit)
            widgets.append(Static(header, classes="doc-header"))
        if lo:
            gap = plain_text(f"… {lo} earlier paragraphs not shown")
            widgets.append(Static(gap, classes="doc-gap"))
        self.blocks = []
        previous_heading = None
        for para in window:
            block = ParagraphBlock(para, para.heading != previous_heading, classes="para")
            if para.paragraph == hit.paragraph:
                block.add_class("hit")
            previous_heading = para.heading
            self.blocks.append(block)
        widgets.extend(self.blocks)
        rest = len(paragraphs) - lo - len(window)
        if rest > 0:
            gap = plain_text(f"… {rest} later paragraphs not shown")
            widgets.append(Static(gap, classes="doc-gap"))
        self.matches = [(b, s) for b, p in enumerate(window) for s in range(len(p.highlights))]
        await self.remove_children()
        await self.mount_all(widgets)
        self.call_after_refresh(self.scroll_to_hit)

    @property
    def hit_block(self) -> ParagraphBlock | None:
        return next((b for b in self.blocks if b.has_class("hit")), None)

    def scroll_to_hit(self, settle: int = 4) -> None:
        """Put the hit paragraph near the top, a few lines of the one before above it.

        Paragraph heights are only known once laid out, so this runs again on the
        next few refreshes until the position stops moving."""
        block = self.hit_block
        if block is None:
            return
        target = max(0, block.virtual_region.y - CONTEXT_LINES)
        if target != round(self.scroll_y) or block.virtual_region.height == 0:
            self.scroll_to(y=target, animate=False, immediate=True)
        if settle:
            self.call_after_refresh(self.scroll_to_hit, settle - 1)

    def clear(self) -> None:
        self.hit, self.paragraphs, self.blocks, self.matches = None, [], [], []
        self.current = None
        self.remove_children()

    def jump(self, step: int) -> tuple[int, int] | None:
        """Move to the next (step 1) or previous (-1) match, starting from the hit
        paragraph; returns (1-based position, count) or None when nothing matched."""
        if not self.matches:
            return None
        if self.current is None:
            hit_index = next((i for i, b in enumerate(self.blocks) if b.has_class("hit")), 0)
            after = [i for i, (b, _) in enumerate(self.matches) if b >= hit_index]
            first = after[0] if after else 0
            self.current = first if step > 0 else (first - 1) % len(self.matches)
        else:
            old_block, _ = self.matches[self.current]
            self.blocks[old_block].mark(None)
            self.current = (self.current + step) % len(self.matches)
        block_index, span_index = self.matches[self.current]
        block = self.blocks[block_index]
        block.mark(span_index)
        self.scroll_to_widget(block, animate=False, center=True)
        return self.current + 1, len(self.matches)

    @property
    def current_paragraph(self) -> Hit | None:
        """The paragraph of the current match, else the hit paragraph."""
        if self.current is not None:
            return self.blocks[self.matches[self.current][0]].para
        block = self.hit_block
        return block.para if block is not None else self.hit
