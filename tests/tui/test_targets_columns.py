"""Saving a target leaves every column of the targets screen readable."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.tui.conftest import settle


async def test_columns_keep_their_width_after_saving_a_target(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("f7", "ctrl+t", "right", "right", "right", "end", "home", "ctrl+n"):
            await pilot.press(key)
            await settle(pilot)
        form = app.screen
        measures = [value for _label, value in form.widget("measure")._options if value]
        form.set_value("measure", str(measures[1]))
        form.widget("expected").focus()
        await pilot.pause()
        await pilot.press("3", "ctrl+s")
        await settle(pilot)
        table = app.screen.query_one("#targets", DataTable)
        for column in table.columns.values():
            assert column.get_render_width(table) >= column.content_width, column.label
        first = table.get_row_at(0)
        assert str(first[0]).startswith("居民") and len(str(first[0])) > 2
