"""The audit viewer (F9 on the overview), opened by a viewer: it says what it
shows, and no row about a person nor any full ID number reaches the screen."""

from __future__ import annotations

from tests.conftest import login_as

import re

from branchtui.domain import access
from branchtui.tui.screens.audit_log import TABLE_NAMES
from tests.tui.conftest import settle

FULL_ID = re.compile(r"\d{17}[\dX]")


async def test_viewer_sees_no_personal_rows_in_the_audit_viewer(app, monkeypatch):
    login_as("root")
    access.add_user("root", "admin")
    access.add_user("kan", "viewer")
    login_as("kan")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        screen = pilot.app.screen
        assert "不含个人记录" in screen.sub_title
        table = screen.query_one("#audit")
        assert table.row_count > 0
        cells = [str(table.get_row_at(i)) for i in range(table.row_count)]
        shown_tables = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        personal = {TABLE_NAMES.get(name, name) for name in access.PERSONAL_TABLES}
        assert not shown_tables & personal
        assert not any(FULL_ID.search(cell) for cell in cells)
