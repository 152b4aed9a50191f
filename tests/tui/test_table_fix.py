"""Textual's DataTable caches cells without their width: a paint between
add_row() and the idle pass that measures the row froze them at the header's
width (flaky overview snapshots, collapsed columns after saving a target)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from branchtui.tui.widgets.table_fix import install


class OneTable(App):
    CSS = "DataTable { width: 40; height: 6; }"  # a fixed size, as on the overview: no resize clears the caches

    def compose(self) -> ComposeResult:
        yield DataTable()


async def test_cells_painted_before_measuring_are_drawn_again_at_full_width():
    install()
    app = OneTable()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(DataTable)
        table.add_column("支部")
        await pilot.pause()
        table.add_row("居民七支部")
        assert "居民七支部" not in table.render_line(1).text  # painted before it was measured
        await pilot.pause()
        assert "居民七支部" in table.render_line(1).text


def test_the_app_installs_the_fix(monkeypatch, demo_db):
    from branchtui.tui.app import BranchApp
    from branchtui.tui.widgets import table_fix

    monkeypatch.setattr(DataTable, "_update_dimensions", table_fix._measure)
    BranchApp()
    assert DataTable._update_dimensions is table_fix._update_dimensions
