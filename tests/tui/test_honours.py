"""Honours and appraisals: the report's honours are there; one more by keyboard."""

from __future__ import annotations

from textual.widgets import DataTable

from branchtui.store.models import Honour
from tests.tui.conftest import settle, type_text


async def test_honours_listed_and_one_added(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        honours = app.screen.query_one("#honours", DataTable)
        names = [str(honours.get_row_at(i)[3]) for i in range(honours.row_count)]
        assert any("张彩风" in n for n in names) and any("张秀玲" in n for n in names)
        count = Honour.select().count()
        await pilot.press("f9")
        await settle(pilot)
        await type_text(pilot, "先进基层党组织")
        form = app.screen
        form.widget("person").focus()
        await type_text(pilot, "温东莲")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Honour.select().count() == count + 1
        assert honours.row_count == count + 1
