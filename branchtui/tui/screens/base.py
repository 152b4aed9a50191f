"""Screens whose rows come from domain/."""

from __future__ import annotations

from textual.screen import Screen


class DataScreen(Screen):
    """Loads its data each time it is shown (first time, after a form closes,
    on a revisit), so a person sees what other sessions wrote meanwhile."""

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        raise NotImplementedError
