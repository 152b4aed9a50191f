"""Ctrl+P: every area's keys from anywhere, found by Chinese, pinyin or its
initials (xz → 新增), and answered in the UI language."""

from __future__ import annotations

from functools import lru_cache

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from branchtui.i18n import _

# The areas (app MODES) whose keys the palette offers wherever it is opened.
AREAS = {
    "overview": ("branchtui.tui.screens.overview", "OverviewScreen", "总览"),
    "branches": ("branchtui.tui.screens.branches", "BranchesScreen", "支部党员"),
    "rooms": ("branchtui.tui.screens.rooms", "RoomsScreen", "活动室"),
    "loans": ("branchtui.tui.screens.loans", "LoansScreen", "贷款"),
    "activities": ("branchtui.tui.screens.activities", "ActivitiesScreen", "活动目标"),
}


@lru_cache(maxsize=512)
def search_text(name: str) -> str:
    """The name with its pinyin and initials, for matching what is typed."""
    from branchtui.domain.pinyin import search_keys

    full, initials = search_keys(name)
    return f"{name} {full} {initials}".lower()


class ChinesePalette(CommandPalette):
    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own text is a fixed English string.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(_("没有找到匹配的命令"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class AreaCommands(Provider):
    """Every area's keys: choosing one switches to its area and runs it there."""

    def _commands(self):
        import importlib

        from branchtui.tui.app import BranchApp

        seen = set()
        for mode, (module, cls_name, area) in AREAS.items():
            screen_cls = getattr(importlib.import_module(module), cls_name)
            for binding in screen_cls.BINDINGS:
                if not getattr(binding, "id", None) or not binding.description or not binding.show:
                    continue
                name = f"{_(area)}：{binding.description}"
                if name in seen:
                    continue
                seen.add(name)
                key = binding.key.split(",")[0]
                yield name, f"{_('按键')} {key}", self._runner(mode, binding.action)
        for binding in BranchApp.BINDINGS:
            if binding.action == "command_palette":
                continue
            yield binding.description, f"{_('按键')} {binding.key}", \
                lambda action=binding.action: self.app.run_action(action)

    def _runner(self, mode: str, action: str):
        async def run() -> None:
            app = self.app
            if app.current_mode != mode:
                await app.switch_mode(mode)
            await app.run_action(action, app.screen)

        return run

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        wanted = query.lower().replace(" ", "")
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if not score and wanted and any(wanted in word for word in search_text(name).split()):
                score = 0.5
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
