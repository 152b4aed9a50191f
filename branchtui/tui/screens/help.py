"""F1: the keys of the screen the user was on."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from branchtui.i18n import _


def describe_keys(app: App, screen: Screen) -> list[tuple[str, str]]:
    """(key, what it does) for the screen's and the app's own bindings."""
    rows, seen = [], set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or not isinstance(active.node, (App, Screen)):
            continue
        if (binding.action, binding.description) in seen:
            continue
        seen.add((binding.action, binding.description))
        rows.append((app.get_key_display(binding), binding.description))
    return rows


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1", "dismiss", _("关闭"), id="help.close")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        rows = describe_keys(self.app, self.below)
        width = max((len(key) for key, _d in rows), default=4) + 2
        lines = [f"[b]{key:<{width}}[/b]{description}" for key, description in rows]
        lines += ["", _("表格中：↑↓ 移动，Enter 打开；表单中：Tab/Enter 下一项，Shift+Tab 上一项"),
                  _("输入法正在输入时，F 键和 Ctrl 组合键照常可用")]
        with VerticalScroll(id="help"):
            yield Static("\n".join(lines))

    def on_mount(self) -> None:
        self.query_one("#help").border_title = _("按键帮助（F1 / Esc 关闭）")
