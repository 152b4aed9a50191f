"""The checklist matrix: toggle items by keyboard, save a round, see the overview change."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from branchtui.store.models import Equipment, Inspection, InspectionResult
from tests.tui.conftest import settle, type_text


def figure(app, fig_id: str) -> str:
    return str(app.screen.query_one(f"#{fig_id}", Static).render())


async def test_toggle_items_save_round_and_overview_follows(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "8/8" in figure(app, "fig-rooms")

        await pilot.press("f4")
        await settle(pilot)
        matrix = app.screen.query_one("#matrix", DataTable)
        assert app.focused is matrix
        # Third row (居民三支部), VCD column: right past 支部 and 上次检查 to 彩电, then VCD.
        await pilot.press("down", "down", "right", "right", "right", "space")
        await pilot.pause()
        assert "7/8" in str(app.screen.query_one("#round-status", Static).render())
        assert "居民三支部：VCD" in str(app.screen.query_one("#short-list", Static).render())
        # Space twice is back where it started: nothing changed.
        await pilot.press("space")
        await pilot.pause()
        assert "已改 0 处" in str(app.screen.query_one("#round-status", Static).render())
        await pilot.press("space")

        before = Inspection.select().count()
        await pilot.press("ctrl+s")
        await settle(pilot)
        await type_text(pilot, "张彩风")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Inspection.select().count() == before + 8, "a round inspects every room"
        failed = (InspectionResult.select().join(Inspection)
                  .where((Inspection.date == app.today) & (InspectionResult.passed == False)))  # noqa: E712
        assert [r.item.name for r in failed] == ["VCD"]

        await pilot.press("f2")
        await settle(pilot)
        assert "7/8" in figure(app, "fig-rooms")
        missing = str(app.screen.query_one("#missing", Static).render())
        assert "居民三支部缺VCD" in missing
        # The ledger still says the VCD works: the overview flags the disagreement.
        assert "检查与台账不符" in missing


async def test_filter_shows_only_rooms_that_fall_short(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        matrix = app.screen.query_one("#matrix", DataTable)
        await pilot.press("right", "right", "space")  # 居民一支部 彩电
        await pilot.press("f10")
        await pilot.pause()
        assert matrix.row_count == 1
        assert str(matrix.get_row_at(0)[0]) == "居民一支部"
        await pilot.press("f10")
        await pilot.pause()
        assert matrix.row_count == 8


async def test_enter_on_a_cell_opens_its_ledger_record_and_refuses_negative_cost(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("right", "right", "enter")  # 居民一支部 彩电
        await settle(pilot)
        form = app.screen
        assert form.widget("name").value == "长虹彩电 29 寸"
        before = {e.id: e.cost for e in Equipment.select()}
        cost = form.widget("cost")
        cost.focus()
        cost.clear()
        await type_text(pilot, "-100")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "不能为负数" in str(form.query_one("#error-cost", Static).render())
        assert {e.id: e.cost for e in Equipment.select()} == before
