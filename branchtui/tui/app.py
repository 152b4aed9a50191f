"""The branchtui application: top-level areas as MODES, keys, help, palette."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from branchtui.i18n import _
from branchtui.tui.keys import OrderedKeys

log = logging.getLogger(__name__)


def _overview() -> Screen:
    from branchtui.tui.screens.overview import OverviewScreen

    return OverviewScreen()


def _branches() -> Screen:
    from branchtui.tui.screens.branches import BranchesScreen

    return BranchesScreen()


def _rooms() -> Screen:
    from branchtui.tui.screens.rooms import RoomsScreen

    return RoomsScreen()


def _loans() -> Screen:
    from branchtui.tui.screens.loans import LoansScreen

    return LoansScreen()


def _activities() -> Screen:
    from branchtui.tui.screens.activities import ActivitiesScreen

    return ActivitiesScreen()


class BranchApp(OrderedKeys, App):
    CSS_PATH = "app.tcss"
    TITLE = "branchtui"
    MODES = {"overview": _overview, "branches": _branches, "rooms": _rooms, "loans": _loans,
             "activities": _activities}
    DEFAULT_MODE = "overview"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", _("帮助"), id="app.help"),
        Binding("f2", "switch_mode('overview')", _("总览"), id="app.overview"),
        Binding("f3", "switch_mode('branches')", _("支部党员"), id="app.branches"),
        Binding("f4", "switch_mode('rooms')", _("活动室"), id="app.rooms"),
        Binding("f6", "switch_mode('loans')", _("贷款"), id="app.loans"),
        Binding("f7", "switch_mode('activities')", _("活动目标"), id="app.activities"),
        Binding("f5", "reload", _("刷新"), id="app.reload"),
        Binding("ctrl+p", "command_palette", _("命令"), id="app.palette"),
        Binding("ctrl+q", "quit", _("退出"), id="app.quit"),
    ]

    def __init__(self, *, today: dt.date | None = None, keymap: dict[str, str] | None = None,
                 ansi: bool = False) -> None:
        from branchtui.tui.widgets.table_fix import install

        install()
        super().__init__()
        if ansi:
            # The terminal's own 16 colours: what old terminals and PuTTY show best.
            self.theme = "ansi-dark"
        self._today = today
        self._keymap = keymap
        self._log_path: str | None = None
        self._quit_armed = False
        self._log_handler: logging.Handler | None = None
        from branchtui.domain.storage import is_read_only

        if is_read_only():
            self.validate_title = self._mark_read_only  # Textual looks validators up on the instance
        self.title = _("基层党建看板")

    def _mark_read_only(self, title: str) -> str:
        """A file this account may not write is opened read-only: the header
        says so, whatever title a screen sets (installed as the title's
        validator only then)."""
        marker = _("[只读]")
        return title if title.endswith(marker) else f"{title} {marker}"

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def on_mount(self) -> None:
        self._start_log()
        keymap = self._keymap if self._keymap is not None else load_keymap()
        if keymap:
            self.set_keymap(keymap)
        # After the first paint, load the forms in the background so the first
        # Ctrl+N opens at once and no keystroke is typed into a half-built form.
        self.set_timer(1.0, lambda: self.run_worker(warm_imports, thread=True, exit_on_error=False))

    def _start_log(self) -> None:
        """Errors go to branchtui.log beside the database file (rotated: 3 × 1 MB),
        or to the user log directory for a server database."""
        from logging.handlers import RotatingFileHandler
        from pathlib import Path

        from branchtui.domain.storage import sqlite_file

        try:
            target = sqlite_file()
            if target:
                path = Path(target).with_name("branchtui.log")
            else:
                from platformdirs import user_log_path

                path = user_log_path("branchtui", appauthor=False) / "branchtui.log"
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        except OSError as exc:
            self.notify(_("无法写日志文件：{error}").format(error=exc), severity="warning", markup=False)
            return
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger("branchtui").addHandler(handler)
        self._log_handler, self._log_path = handler, str(path)

    def on_unmount(self) -> None:
        if self._log_handler is not None:
            logging.getLogger("branchtui").removeHandler(self._log_handler)
            self._log_handler.close()

    # --- actions -------------------------------------------------------
    def action_help(self) -> None:
        from branchtui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        """Ctrl+Q asks once before throwing away work not yet saved (a form, an inspection round)."""
        unsaved = [note for stack in self._screen_stacks.values() for screen in stack
                   if (note := getattr(screen, "unsaved_work", lambda: None)())]
        if unsaved and not self._quit_armed:
            self._quit_armed = True
            self.set_timer(5, lambda: setattr(self, "_quit_armed", False))
            self.notify(_("尚未保存：{what}。再按一次 Ctrl+Q 放弃并退出").format(what=_("；").join(unsaved)),
                        severity="warning", timeout=5, markup=False)
            return
        await super().action_quit()

    def action_reload(self) -> None:
        reload = getattr(self.screen, "reload", None)
        if reload is not None:
            reload()
            self.notify(_("已刷新"), timeout=1.5)

    def show_error(self, exc: Exception) -> None:
        from branchtui.domain.errors import DomainError
        from branchtui.domain.storage import is_busy, is_disk_full, storage_problem

        problem = None if isinstance(exc, DomainError) else storage_problem(exc)
        if isinstance(exc, DomainError):
            self.notify(str(exc), severity="error", timeout=6, markup=False)
        elif is_busy(exc):
            # Another session held the database past the busy timeout: nothing
            # was written and nothing typed is lost; the same key tries again.
            self.notify(_("数据库正忙（其他人正在保存）：本次没有写入，输入的内容都还在，请稍后再按一次"),
                        severity="warning", timeout=8)
        elif is_disk_full(exc):
            self.notify(_("磁盘已满：本次没有写入，输入的内容都还在；请清理磁盘空间后再按一次保存"),
                        severity="error", timeout=12)
        elif problem:
            self.notify(problem, severity="error", timeout=10)
        else:
            log.error("work failed", exc_info=exc)
            where = f" {self._log_path}" if self._log_path else ""
            self.notify(_("操作失败：{error}（详情已记入日志{where}）").format(error=exc, where=where),
                        severity="error", timeout=8, markup=False)

    # --- command palette -----------------------------------------------
    def action_command_palette(self) -> None:
        from branchtui.tui.palette import AreaCommands, ChinesePalette

        if not ChinesePalette.is_open(self):
            self.push_screen(ChinesePalette(providers=[AreaCommands, *self.COMMANDS],
                                            id="--command-palette", placeholder=_("查找命令…")))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key of the current screen and of the app, by its Chinese name."""
        from branchtui.tui.screens.help import describe_keys

        for key, description, node, action in describe_keys(self, screen):
            if action == "command_palette":
                continue
            yield SystemCommand(description, f"{_('按键')} {key}",
                                lambda node=node, action=action: self.run_action(action, node))
        yield SystemCommand(_("切换主题"), _("浅色、深色或 16 色终端主题"), self.action_change_theme)


WARM_MODULES = (
    "branchtui.tui.forms.member_form", "branchtui.tui.forms.branch_form", "branchtui.tui.forms.room_form",
    "branchtui.tui.forms.loan_form", "branchtui.tui.forms.activity_form", "branchtui.tui.screens.branches",
    "branchtui.tui.screens.rooms", "branchtui.tui.screens.loans", "branchtui.tui.screens.activities",
)


def warm_imports() -> None:
    import importlib

    for name in WARM_MODULES:
        importlib.import_module(name)


def load_keymap() -> dict[str, str]:
    """Keys remapped in ~/.config/branchtui/keys.toml: ``[keys] "app.help" = "f1,ctrl+h"``."""
    import tomllib

    from platformdirs import user_config_path

    path = user_config_path("branchtui", appauthor=False) / "keys.toml"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        log.warning("ignoring %s: %s", path, exc)
        return {}
    return {str(k): str(v) for k, v in (data.get("keys") or {}).items()}
