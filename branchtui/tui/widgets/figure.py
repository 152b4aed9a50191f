"""A figure card for the overview: a big number with its caption."""

from __future__ import annotations

from textual.widgets import Static


class Figure(Static):
    DEFAULT_CSS = """
    Figure {
        width: 1fr;
        height: 4;
        border: round $primary;
        padding: 0 1;
        content-align: center middle;
        text-align: center;
    }
    """

    def __init__(self, caption: str, *, id: str | None = None) -> None:
        super().__init__("…", id=id)
        self.border_title = caption

    def show(self, value: str, detail: str = "", note: str = "") -> None:
        """``note`` goes into the bottom border: one more figure without a line."""
        self.update(f"[b]{value}[/b]\n{detail}" if detail else f"[b]{value}[/b]")
        self.border_subtitle = note
