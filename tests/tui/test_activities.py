"""An activity added by keyboard moves its branch's bar on the overview."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from branchtui.store.models import Activity
from tests.tui.conftest import settle, type_text


def progress_cell(app, branch: str) -> str:
    table = app.screen.query_one("#branch-table", DataTable)
    for index in range(table.row_count):
        row = table.get_row_at(index)
        if str(row[0]) == branch:
            return str(row[4])
    raise AssertionError(branch)


async def test_new_activity_moves_its_branch_progress(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = progress_cell(app, "居民五支部")
        other_before = progress_cell(app, "居民一支部")
        assert "居民五支部" in str(app.screen.query_one("#missing", Static).render())

        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        form.widget("kind").focus()
        # An empty select opens with nothing highlighted: the first Down lands on the first option.
        await pilot.press("enter", "down", "down", "enter")  # the second kind: 计划生育讲座
        await pilot.pause()
        form.widget("branch").focus()
        await pilot.press("enter", *["down"] * 5, "enter")  # 居民五支部
        await pilot.pause()
        form.widget("topic").focus()
        await type_text(pilot, "计划生育政策宣讲")
        form.widget("others").focus()
        await type_text(pilot, "25")
        count = Activity.select().count()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Activity.select().count() == count + 1
        added = Activity.select().order_by(Activity.id.desc()).first()
        assert (added.branch.name, added.kind.name, added.topic) == ("居民五支部", "计划生育讲座", "计划生育政策宣讲")

        await pilot.press("f2")
        await settle(pilot)
        after = progress_cell(app, "居民五支部")
        assert after != before
        assert int(after.split()[-1].rstrip("%")) > int(before.split()[-1].rstrip("%"))
        assert progress_cell(app, "居民一支部") == other_before


async def test_attendance_above_expected_is_refused_at_the_field(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        form.widget("kind").focus()
        await pilot.press("enter", "down", "enter")  # the first kind
        form.widget("branch").focus()
        await pilot.press("enter", "down", "enter")  # the first branch
        await pilot.pause()
        form.widget("topic").focus()
        await type_text(pilot, "支部党员大会")
        form.widget("members_expected").focus()
        form.widget("members_expected").clear()
        await type_text(pilot, "12")
        form.widget("members_present").focus()
        await type_text(pilot, "13")
        count = Activity.select().count()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "不能多于应到党员" in str(form.query_one("#error-members_present", Static).render())
        assert Activity.select().count() == count
