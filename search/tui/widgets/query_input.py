"""The query box: an Input whose up/down arrows walk through earlier queries."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from search.tui.history import QueryHistory


class QueryInput(Input):
    """Up recalls older queries, down newer ones; down past the newest (or when not
    recalling) hands focus to the results."""

    BINDINGS = [
        Binding("up", "history_older", "Earlier query", show=False),
        Binding("down", "history_newer", "Later query", show=False),
    ]

    class LeaveDown(Message):
        """Down was pressed with no history to walk: the results should take focus."""

    def __init__(self, history: QueryHistory, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history = history

    def _recall(self, text: str) -> None:
        self.value = text
        self.cursor_position = len(text)

    def action_history_older(self) -> None:
        entry = self.history.older(self.value)
        if entry is not None:
            self._recall(entry)

    def action_history_newer(self) -> None:
        if not self.history.browsing:
            self.post_message(self.LeaveDown())
            return
        entry = self.history.newer()
        if entry is not None:
            self._recall(entry)
