"""Where the cursor is: forms open on the first field to fill, a refused save
goes to the first error in the form's order, a viewer is told before typing."""

from __future__ import annotations

from tests.conftest import login_as

from textual.widgets import Static

from tests.tui.conftest import settle, type_text


async def open_form(pilot, area: str, key: str = "ctrl+n"):
    await settle(pilot)
    await pilot.press(area)
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen


def error_text(form, name: str) -> str:
    box = form.query_one(f"#error-{name}", Static)
    return str(box.render()) if box.has_class("-shown") else ""


async def test_member_form_opens_on_the_first_empty_field(app):
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f3")
        # 所在支部 comes filled from the list: the cursor waits in 姓名.
        assert app.focused is form.widget("name")


async def test_loan_form_opens_on_the_borrower(app):
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f6")
        assert app.focused is form.widget("borrower")


async def test_refused_save_focuses_the_first_error_in_form_order(app):
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f3")
        form.widget("phone").focus()
        await type_text(pilot, "123")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_text(form, "name"), "姓名 is required"
        assert app.focused is form.widget("name"), "the first error, not the last field touched"


async def test_a_stale_error_goes_when_the_field_is_edited(app):
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f3")
        await type_text(pilot, "张三")
        await pilot.press("tab")
        await type_text(pilot, "410402199009090042")
        await pilot.press("tab")
        await settle(pilot)
        assert "校验" in error_text(form, "id_number")
        form.widget("id_number").focus()
        await pilot.pause()
        form.widget("id_number").clear()
        await pilot.pause()
        assert error_text(form, "id_number") == ""


async def test_a_viewer_is_told_before_filling_a_form(app, monkeypatch):
    from branchtui.domain.access import add_user

    add_user("root", "admin")
    add_user("guest", "viewer")
    login_as("guest")
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f3")
        notice = str(form.query_one("#read-only", Static).render())
        assert "只读" in notice and "guest" in notice


async def test_an_admin_sees_no_read_only_notice(app):
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "f3")
        assert not form.query("#read-only")


async def test_ctrl_q_asks_before_dropping_an_unsaved_round(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("down", "down", "right", "right", "right", "space")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.is_running
        assert any("本轮检查改了 1 处" in n.message for n in app._notifications)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


def test_id_number_with_birth_year_3000_is_refused_on_the_id_field():
    import datetime as dt

    import pytest

    from branchtui.domain.errors import ValidationError
    from branchtui.domain.idcard import make_id_number, parse_id_number

    with pytest.raises(ValidationError) as refused:
        parse_id_number(make_id_number("410402", dt.date(3000, 1, 1), 135))
    assert "id_number" in refused.value.errors and "3000-01-01" in refused.value.errors["id_number"]
