"""Ctrl+E on a list screen: what the list shows — every matching row, not
only those on screen — written to .xlsx, and where the file went."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from branchtui.i18n import _
from branchtui.tui.background import run_db


def export_dir() -> Path:
    """BRANCHTUI_EXPORT_DIR, or ~/branchtui-exports: over SSH the file is on the
    server, in the person's own home, to fetch with scp or WinSCP."""
    return Path(os.environ.get("BRANCHTUI_EXPORT_DIR") or Path.home() / "branchtui-exports")


def export_from(screen, kind: str, title: str, **filters) -> None:
    from branchtui.io.lists import export_list

    path = export_dir() / f"{_(title)}-{dt.datetime.now():%Y%m%d-%H%M%S}.xlsx"
    today = screen.app.today
    screen.notify(_("正在导出…"), timeout=2)
    run_db(screen, lambda: export_list(kind, path, as_of=today, **filters),
           lambda done: screen.notify(_("已导出到 {path}").format(path=done), title=_("导出"), timeout=10),
           group="export", exclusive=False)
