"""F1: the keys of the screen the user was on."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from branchtui.i18n import _


def describe_keys(app: App, screen: Screen) -> list[tuple[str, str, object, str]]:
    """(key, what it does, node, action) for the screen's and the app's own bindings."""
    rows, seen = [], set()
    for active in screen.active_bindings.values():
        binding = active.binding
        # Only our own keys: they carry an id (remappable) and a Chinese name.
        if not binding.id or not binding.description:
            continue
        if (binding.action, binding.description) in seen:
            continue
        seen.add((binding.action, binding.description))
        rows.append((app.get_key_display(binding), binding.description, active.node, binding.action))
    return rows


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1", "dismiss", _("关闭"), id="help.close")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        rows = describe_keys(self.app, self.below)
        width = max((len(row[0]) for row in rows), default=4) + 2
        lines = [f"[b]{key:<{width}}[/b]{description}" for key, description, _node, _action in rows]
        lines += ["", _("表格中：↑↓ 移动，Enter 打开；表单中：Tab/Enter 下一项，Shift+Tab 上一项"),
                  _("输入法正在输入时，F 键和 Ctrl 组合键照常可用")]
        with VerticalScroll(id="help"):
            yield Static("\n".join(lines))

    def on_mount(self) -> None:
        self.query_one("#help").border_title = _("按键帮助（F1 / Esc 关闭）")
