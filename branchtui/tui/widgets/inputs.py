"""Inputs that do not blink: over SSH a blinking cursor repaints twice a
second for as long as the session sits idle."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Input


class QuietInput(Input):
    cursor_blink = reactive(False, init=False)
