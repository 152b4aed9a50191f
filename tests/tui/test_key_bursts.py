"""Keys that arrive together land where they were meant: each key goes to the
widget focused after the keys before it took effect (see branchtui/tui/keys.py)."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Input, Select

from branchtui.tui.keys import OrderedKeys
from tests.tui.conftest import burst, settle


class TwoInputs(App):
    """The minimal reproduction, as reported upstream."""

    def compose(self):
        yield Input(id="first")
        yield Input(id="second")
        yield Select([("one", 1), ("two", 2), ("three", 3)], id="choice")
        yield Input(id="third")


class OrderedTwoInputs(OrderedKeys, TwoInputs):
    pass


BURST = [*"abc", "tab", *"def", "tab", "enter", "down", "down", "enter", "tab", "x"]


def shown(app) -> tuple:
    return (app.query_one("#first", Input).value, app.query_one("#second", Input).value,
            app.query_one("#choice", Select).value, app.query_one("#third", Input).value)


async def test_plain_textual_sends_a_burst_to_the_old_focus():
    """Textual 8.2.8 itself: if this starts failing, upstream fixed it and keys.py can go."""
    app = TwoInputs()
    async with app.run_test() as pilot:
        burst(pilot, *BURST)
        await pilot.pause()
        await pilot.pause()
        first, second, _choice, _third = shown(app)
        assert first.startswith("abcdef") and second == ""


async def test_a_burst_lands_field_by_field():
    app = OrderedTwoInputs()
    async with app.run_test() as pilot:
        burst(pilot, *BURST)
        await pilot.pause()
        await pilot.pause()
        assert shown(app) == ("abc", "def", 2, "x")


async def test_single_keys_still_go_straight_through():
    app = OrderedTwoInputs()
    async with app.run_test() as pilot:
        await pilot.press(*"ab", "tab", "c")
        assert shown(app)[:2] == ("ab", "c")


async def test_member_form_burst_fills_each_field(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        form.widget("ethnicity").focus()
        await pilot.pause()
        form.widget("ethnicity").clear()
        # 民族 → 学历 → 入党日期 → 转正日期 → 手机号码 → 状态 → 备注
        burst(pilot, *"回族", "tab", "tab", "tab", "tab", *"13812345678", "tab", "tab", *"备注文字")
        await settle(pilot)
        values = form.values()
        assert values["ethnicity"] == "回族"
        assert values["phone"] == "13812345678"
        assert values["notes"] == "备注文字"


async def test_new_loan_borrower_chosen_in_one_burst(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        borrower = form.widget("borrower")
        options = [value for _label, value in borrower._options if value is not Select.NULL]
        assert app.focused is borrower
        burst(pilot, "enter", "down", "down", "enter", "tab", "tab", *"洗车")
        await settle(pilot)
        assert not borrower.expanded
        assert borrower.value == options[1]
        assert form.widget("business").value == "洗车", "after 借款人 and 推荐支部"


async def test_a_pasted_address_keeps_every_line(app):
    from textual import events

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        notes = form.widget("notes")
        notes.focus()
        await pilot.pause()
        app.post_message(events.Paste("第一行\n第二行\r\n第三行"))
        await settle(pilot)
        assert notes.value == "第一行 第二行 第三行"
