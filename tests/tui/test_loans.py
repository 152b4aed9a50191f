"""Loans by keyboard: record a repayment, see the arrears and the overview change."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from branchtui.store.models import Audit, Repayment
from tests.tui.conftest import settle, type_text


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_repayment_clears_arrears_and_overview_follows(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        overdue_before = text_of(app, "#fig-outstanding")
        assert "逾期 3 笔" in overdue_before

        await pilot.press("f6")
        await settle(pilot)
        table = app.screen.query_one("#loans", DataTable)
        worst = table.get_row_at(0)
        assert str(worst[-1]) == "75", "the most overdue loan comes first"
        await pilot.press("enter")
        await settle(pilot)
        assert "逾期 75 天" in text_of(app, "#loan-info")

        before = Repayment.select().count()
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        # The form offers what is overdue; the clerk accepts it.
        assert form.widget("principal").value == "1250.01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Repayment.select().count() == before + 1
        assert Audit.select().where(Audit.table == "repayment").count() >= 1
        info = text_of(app, "#loan-info")
        assert "正常" in info and "逾期 75 天" not in info

        await pilot.press("f2")
        await settle(pilot)
        assert "逾期 2 笔" in text_of(app, "#fig-outstanding")


async def test_repayment_beyond_what_is_due_needs_the_prepayment_flag(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        principal = form.widget("principal")
        principal.focus()
        principal.clear()
        await type_text(pilot, "0.3万")
        before = Repayment.select().count()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "提前还款" in str(form.query_one("#error-principal", Static).render())
        assert principal.value == "0.3万", "what was typed is kept"
        assert Repayment.select().count() == before


async def test_new_loan_form_previews_the_schedule_as_typed(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        form.widget("amount").focus()
        await type_text(pilot, "3000")
        await pilot.pause()
        preview = str(form.query_one("#preview", Static).render())
        # 3,000 at 5.31 % over 24 months, interest monthly (the form's defaults): 13.28 a month.
        assert "13.28" in preview and "3,013.28" in preview
        form.widget("amount").clear()
        await type_text(pilot, "5万元")
        await pilot.pause()
        assert "221.25" in str(form.query_one("#preview", Static).render())
