"""Keyboard-only member entry with Chinese data, as a clerk would do it."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input, Static

from branchtui.store.models import Audit, Member
from tests.tui.conftest import settle, type_text, valid_id


def table_column(screen, table_id: str, column: int) -> list[str]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def open_new_member_form(pilot):
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    return pilot.app.screen


async def test_add_member_then_find_it_on_overview_and_by_initials(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "74" in str(app.screen.query_one("#fig-members", Static).render())
        form = await open_new_member_form(pilot)
        assert form.values()["branch"], "the highlighted branch is the form's context"
        await type_text(pilot, "单雄信")
        await pilot.press("enter")
        await type_text(pilot, valid_id(dt.date(1980, 5, 17), 135))
        await pilot.pause()
        # The ID number carries the birth date and gender: they are filled in.
        assert form.widget("birth_date").value == "1980-05-17"
        assert form.widget("gender").value == "男"
        form.widget("join_date").focus()
        await type_text(pilot, "2005年7月1日")
        await pilot.press("enter")
        await type_text(pilot, "20060701")
        await pilot.press("ctrl+s")
        await settle(pilot)

        member = Member.get(Member.name == "单雄信")
        assert member.join_date == dt.date(2005, 7, 1)
        assert member.full_date == dt.date(2006, 7, 1)
        assert Audit.select().where((Audit.table == "member") & (Audit.row_id == member.id)).count() == 1

        # Back on the list, initials find the new member.
        search = app.screen.query_one("#search", Input)
        search.focus()
        await type_text(pilot, "sxx")
        await settle(pilot)
        assert "单雄信" in table_column(app.screen, "members", 0)

        await pilot.press("f2")
        await settle(pilot)
        assert "75" in str(app.screen.query_one("#fig-members", Static).render())


async def test_bad_input_shows_chinese_message_at_field_and_keeps_typing(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = (Member.select().count(), Audit.select().count())
        form = await open_new_member_form(pilot)
        await type_text(pilot, "李四")
        await pilot.press("enter")
        good = valid_id(dt.date(1970, 1, 2), 100)
        wrong_checksum = good[:-1] + ("0" if good[-1] != "0" else "1")
        await type_text(pilot, wrong_checksum)
        form.widget("join_date").focus()
        await type_text(pilot, "2002-02-30")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert app.screen is form, "a refused form stays open"
        id_error = str(form.query_one("#error-id_number", Static).render())
        date_error = str(form.query_one("#error-join_date", Static).render())
        assert "校验位" in id_error
        assert "不是真实存在的日期" in date_error
        assert form.widget("name").value == "李四"
        assert form.widget("id_number").value == wrong_checksum
        assert (Member.select().count(), Audit.select().count()) == before

        # An empty name is refused at its field too.
        form.widget("name").clear()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "姓名不能为空" in str(form.query_one("#error-name", Static).render())
        assert (Member.select().count(), Audit.select().count()) == before


async def test_save_and_next_keeps_branch_and_clears_the_person(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_new_member_form(pilot)
        branch = form.values()["branch"]
        people = [("曾国藩", dt.date(1975, 3, 4), 201), ("王小丫", dt.date(1988, 9, 9), 202)]
        for name, birth, seq in people:
            form.widget("name").focus()
            await type_text(pilot, name)
            await pilot.press("enter")
            await type_text(pilot, valid_id(birth, seq))
            form.widget("join_date").focus()
            await type_text(pilot, "2010.7.1")
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert app.screen is form, "save-and-next keeps the form open"
            assert form.widget("name").value == ""
            assert form.widget("id_number").value == ""
            assert form.values()["branch"] == branch
            assert app.focused is form.widget("name")
        saved = {m.name: m.branch_id for m in Member.select().where(Member.name << ["曾国藩", "王小丫"])}
        assert saved == {"曾国藩": int(branch), "王小丫": int(branch)}
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not form


async def test_escape_with_unsaved_typing_asks_twice(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_new_member_form(pilot)
        await type_text(pilot, "赵")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and form.widget("name").value == "赵"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not form
