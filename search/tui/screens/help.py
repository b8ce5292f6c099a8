"""The help screen (`?` / F1): keys, query syntax, examples."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
[b]Keys[/b]
  [b]typing[/b]          searches as you type
  [b]up / down[/b]       in the query box: earlier / later queries; down goes to the results
  [b]up / down, j / k[/b] move through the results (a click selects too)
  [b]enter[/b]           open the whole document (double click too)
  [b]n / N[/b]           next / previous highlighted match in the document
  [b]y[/b]               copy a citation of the paragraph
  [b]o[/b]               open the source file in $EDITOR (or $PAGER)
  [b]/[/b]               back to the query box          [b]tab[/b]  next pane
  [b]escape[/b]          back                           [b]F2[/b]   search the suggested spelling
  [b]? / F1[/b]          this help                      [b]q / ctrl+c[/b]  quit
  [b]F3[/b]              two words: also paragraphs with one of them (on / off)
  [b]F4[/b]              order: by score, newest first, oldest first
  [b]ctrl+p[/b]          commands: some words too, order, open another index,
                  theme (remembered in the config file), keys, screenshot

[b]Query syntax[/b]
  ceasefire talks        paragraphs with [i]all[/i] the words (any of them if none has all)
  ceasefire talks moscow every word first, then paragraphs with some (3 words and more)
  ceasefire OR truce     either word
  ceasefire -hamas       without a word (also NOT hamas)
  "prime minister"       a phrase;  "prime minister"~3  within 3 words, either order
  ceasefire NEAR moscow  within 10 words of each other, either order;  NEAR/5  within 5
  cease*   ceasfire~     a prefix; a misspelling (fuzzy)
  title:moscow           a field: title, heading, path, source, author, lang, date
  date:2024  date:>2023-06  ranges of dates

[b]Examples[/b]
  "interest rates" bank      source:reuters oil       title:election -poll

Press escape to close."""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(HELP, id="help-text")

    def action_dismiss(self) -> None:
        self.dismiss(None)
