"""The import preview: F10 on the branches screen, a file checked row by row,
Ctrl+S writes only when every row is good (or F8 asks for the good ones)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Static

from branchtui.domain.idcard import make_id_number
from tests.tui.conftest import app, settle, type_text  # noqa: F401  (app is a fixture)


def _file(tmp_path):
    good = make_id_number("410402", dt.date(1971, 2, 3), 11)
    bad = make_id_number("410402", dt.date(1972, 2, 3), 21)[:-1] + "0"
    path = tmp_path / "in.csv"
    path.write_text("姓名,身份证号码,入党时间,所在支部,籍贯\n"
                    f"导入甲,{good},2001-07-01,居民一支部,河南\n"
                    f"导入乙,{bad},2001-07-01,居民一支部,河南\n", encoding="utf-8")
    return path, good


async def test_preview_then_import_the_good_rows(app, tmp_path):
    from branchtui.store.models import Member

    path, good = _file(tmp_path)
    before = Member.select().count()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await type_text(pilot, str(path))
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one("#import-rows", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [(r[0], str(r[1])) for r in rows] == [("2", "新增"), ("3", "错误")]
        assert "校验位" in str(rows[1][3])
        summary = str(app.screen.query_one("#import-summary", Static).render())
        assert "新增 1" in summary and "错误 1" in summary and "籍贯" in summary

        await pilot.press("ctrl+s")  # a bad row: nothing written
        await settle(pilot)
        assert Member.select().count() == before
        await pilot.press("f8", "ctrl+s")
        await settle(pilot)
        assert Member.select().count() == before + 1
        assert Member.get(Member.id_number == good).name == "导入甲"
        assert "已导入：新增 1" in str(app.screen.query_one("#import-summary", Static).render())
        assert (tmp_path / "in.csv.errors.xlsx").exists()
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "BranchesScreen"
