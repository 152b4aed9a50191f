"""The key bar: F1 (help, which lists every key) first, then as many keys as fit
whole, instead of a row cut in the middle of a word at 80 columns."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def key_width(key: FooterKey) -> int:
    # " key " then "description ": the padding of Footer's own default CSS.
    return cell_len(key.key_display) + 2 + (cell_len(key.description) + 1 if key.description else 0)


class KeyBar(Footer):
    def __init__(self) -> None:
        super().__init__(show_command_palette=False)
        self._laid_out_for = 0

    def compose(self):
        keys = list(super().compose())
        first = [k for k in keys if isinstance(k, FooterKey) and k.action in ("help", "app.help")]
        room = self.size.width or self.app.size.width
        shown = []
        for key in first + [k for k in keys if k not in first]:
            width = key_width(key) if isinstance(key, FooterKey) else 0
            if width > room:
                break
            room -= width
            shown.append(key)
        self._laid_out_for = self.size.width
        yield from shown

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_for:
            self.call_later(self.recompose)
