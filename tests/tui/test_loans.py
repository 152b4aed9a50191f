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


def _current_annuity_loan():
    """A demo loan being repaid, nothing due today: an early payment is a prepayment."""
    from tests.conftest import TODAY

    from branchtui.domain.loans.portfolio import loan_rows
    from branchtui.domain.loans.repayments import due_on
    from branchtui.domain.loans.service import get_loan

    for row in loan_rows(TODAY, state="还款中"):
        loan = get_loan(row.id)
        due = due_on(loan, TODAY)
        if loan.method == "equal-installment" and not (due.principal or due.interest) and due.balance > 5000:
            return loan, due
    raise AssertionError("the demo has no current equal-installment loan")


async def test_prepayment_typed_with_its_choice(app):
    from decimal import Decimal

    from branchtui.domain.loans.history import accrued_interest
    from branchtui.domain.loans.service import loan_schedule
    from branchtui.tui.screens.loan_detail import LoanDetailScreen
    from textual.widgets import Select

    loan, due = _current_annuity_loan()
    months_before = len(loan_schedule(loan))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(LoanDetailScreen(loan.id))
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        form = app.screen
        # nothing is due today: the next installment is offered, early, as a prepayment
        assert form.widget("prepayment").value == "缩短期限"
        assert Decimal(form.widget("principal").value) == due.next_principal
        principal = form.widget("principal")
        principal.focus()
        principal.clear()
        await type_text(pilot, "0.5万")
        interest = form.widget("interest")
        interest.focus()
        interest.clear()
        accrued = accrued_interest(Decimal("5000"), loan.annual_rate, due.since, due.date)
        await type_text(pilot, str(accrued))
        form.widget("prepayment").focus()
        await pilot.press("enter")
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert form.widget("prepayment").value == "减少月供"
        form.widget("note").focus()
        await type_text(pilot, "借款人卖鸡后提前还款")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form, str(form.query_one("#error-principal", Static).render())
        paid = Repayment.select().where(Repayment.loan == loan.id).order_by(Repayment.id.desc()).first()
        assert (paid.principal, paid.interest, paid.prepay) == (Decimal("5000.00"), accrued, "减少月供")
        assert paid.note == "借款人卖鸡后提前还款"
        # the term is kept, the installments smaller; the detail shows the schedule before it
        after = app.screen.query_one("#schedule", DataTable)
        assert after.row_count == months_before + 1  # the prepayment is an installment of its own
        before = app.screen.query_one("#before", DataTable)
        assert before.row_count == months_before
        assert str(before.get_row_at(months_before - 1)[4]) != str(after.get_row_at(months_before)[4])


async def test_as_of_date_on_the_overview_and_the_loan_list(app):
    from branchtui.domain.loans.portfolio import loan_figures, loan_rows
    import datetime as dt

    past = dt.date(2025, 1, 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+d")
        await settle(pilot)
        await type_text(pilot, "2025年1月1日")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "2025-01-01" in app.screen.sub_title
        figures = loan_figures(past)
        assert f"{figures.outstanding / 10000:.1f}万元" in text_of(app, "#fig-outstanding")
        assert f"逾期 {figures.overdue_count} 笔" in text_of(app, "#fig-outstanding")
        await pilot.press("f6")
        await settle(pilot)
        assert "截至 2025-01-01" in app.screen.sub_title
        assert app.screen.query_one("#loans", DataTable).row_count == len(loan_rows(past))
        assert f"本表 {len(loan_rows(past))} 笔" in text_of(app, "#loan-totals")
