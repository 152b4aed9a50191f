"""Inputs that do not blink: over SSH a blinking cursor repaints twice a
second for as long as the session sits idle."""

from __future__ import annotations

from textual import events
from textual.reactive import reactive
from textual.widgets import Input


class QuietInput(Input):
    cursor_blink = reactive(False, init=False)

    def _on_paste(self, event: events.Paste) -> None:
        # Textual keeps the first line of a paste and drops the rest without a word;
        # a one-line field takes every line, joined by spaces. (Input's own handler,
        # called next along the class chain, inserts the text.)
        lines = [line.strip() for line in event.text.splitlines() if line.strip()]
        if len(lines) > 1:
            event.text = " ".join(lines)
