"""Early settlement, partial prepayment (缩短期限 / 减少月供), reversals as never
made, extensions that leave paid installments alone — worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import TODAY
from tests.domain.loans.conftest import make_loan, refused

from branchtui.domain.loans.guarantee import payout
from branchtui.domain.loans.portfolio import loan_figures, loan_rows
from branchtui.domain.loans.repayments import due_on, loan_arrears, record_repayment, reverse_repayment
from branchtui.domain.loans.service import ACTIVE, SETTLED, extend, get_loan, loan_schedule
from branchtui.domain.loans.subsidy import subsidy_lines

D = Decimal
START = dt.date(2026, 1, 31)


def pay(loan_id, day, principal, interest="0", **extra):
    return record_repayment(loan_id, {"date": day, "principal": principal, "interest": interest, **extra},
                            today=TODAY)


def pay_rows(loan_id, rows):
    for row in rows:
        pay(loan_id, row.due, row.principal, row.interest)


@pytest.fixture
def annuity(world):
    """12,000.00 at 6 % over 12 months, equal installments, disbursed 2026-01-31."""
    return make_loan(world, annual_rate="6")


def test_early_settlement_with_interest_accrued_by_actual_days(annuity):
    schedule = loan_schedule(get_loan(annuity.id))
    pay_rows(annuity.id, schedule[:3])  # to 2026-04-30
    day = dt.date(2026, 5, 20)
    due = due_on(get_loan(annuity.id), day)
    assert due.principal == 0 and due.interest == 0 and due.since == dt.date(2026, 4, 30)
    assert due.balance == schedule[2].balance
    # 20 actual days × 6 % / 360 on the balance since the last due date
    assert due.accrued == (schedule[2].balance * D("0.06") * 20 / 360).quantize(D("0.01"))
    pay(annuity.id, day, due.balance, due.accrued, prepayment="缩短期限")
    loan = get_loan(annuity.id)
    assert loan.state == SETTLED
    for later in (dt.date(2026, 6, 30), dt.date(2026, 12, 31), dt.date(2027, 6, 30)):
        state = loan_arrears(loan, later)
        assert (state.outstanding_principal, state.days_past_due, state.overdue_principal) == (0, 0, 0)
        row = next(r for r in loan_rows(later) if r.id == annuity.id)
        assert (row.state, row.days_past_due, row.bucket) == (SETTLED, 0, "current")
        assert loan_figures(later).overdue_count == 0
    # before the settlement it was being repaid: the history keeps that
    assert next(r for r in loan_rows(dt.date(2026, 5, 19)) if r.id == annuity.id).state == ACTIVE
    assert loan_figures(dt.date(2026, 5, 19)).outstanding == schedule[2].balance
    schedule_after = loan_schedule(loan)
    assert sum(r.principal for r in schedule_after) == D("12000.00")
    with refused("amount"):  # nothing left for the guarantee fund to pay out
        payout(annuity.id, {"date": dt.date(2026, 11, 20), "amount": "1"}, today=TODAY)


def test_interest_beyond_the_accrued_refused(annuity):
    schedule = loan_schedule(get_loan(annuity.id))
    due = due_on(get_loan(annuity.id), dt.date(2026, 2, 10))
    with refused("interest") as errors:
        pay(annuity.id, dt.date(2026, 2, 10), due.balance, due.accrued + D("0.01"), prepayment="减少月供")
    assert "2026-01-31" in errors["interest"]
    assert schedule  # the refused write left the schedule as it was


def test_shorten_the_term_keeps_the_installment(annuity):
    loan = get_loan(annuity.id)
    before = loan_schedule(loan)
    pay_rows(annuity.id, before[:2])
    day = before[1].due  # a prepayment on a due date, once that installment is paid
    pay(annuity.id, day, "3000", "0", prepayment="缩短期限")
    after = loan_schedule(get_loan(annuity.id))
    assert after[:2] == before[:2]
    assert (after[2].due, after[2].principal, after[2].interest) == (day, D("3000.00"), D("0.00"))
    rest = after[3:]
    assert len(rest) < len(before) - 2  # fewer months
    assert all(r.payment == before[2].payment for r in rest[:-1])  # the same installment
    assert [r.due for r in rest] == [r.due for r in before[2:2 + len(rest)]]
    assert sum(r.principal for r in after) == D("12000.00")


def test_reduce_the_installment_keeps_the_term(annuity):
    before = loan_schedule(get_loan(annuity.id))
    pay_rows(annuity.id, before[:2])
    day = dt.date(2026, 4, 10)  # 10 days after the 03-31 installment
    due = due_on(get_loan(annuity.id), day)
    accrued = (D("4000") * D("0.06") * 10 / 360).quantize(D("0.01"))
    pay(annuity.id, day, "4000", accrued, prepayment="减少月供")
    after = loan_schedule(get_loan(annuity.id))
    assert after[2].principal == D("4000.00") and after[2].interest == accrued
    rest = after[3:]
    assert [r.due for r in rest] == [r.due for r in before[2:]]  # the same term
    assert rest[0].payment < before[2].payment  # smaller installments
    # a month's interest on what is left
    assert rest[0].interest == ((due.balance - 4000) * D("0.005")).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert sum(r.principal for r in after) == D("12000.00")
    assert loan_arrears(get_loan(annuity.id), dt.date(2026, 4, 30)).days_past_due == 0


def test_shorten_only_for_amortizing_loans(world):
    loan = make_loan(world, method="按月付息到期还本", annual_rate="6")
    with refused("prepayment"):
        pay(loan.id, dt.date(2026, 2, 10), "1000", "0", prepayment="缩短期限")


def test_reversed_prepayment_restores_the_schedule(annuity):
    before = loan_schedule(get_loan(annuity.id))
    pay_rows(annuity.id, before[:1])
    prepaid = pay(annuity.id, dt.date(2026, 2, 28), "5000", "0", prepayment="缩短期限")
    assert loan_schedule(get_loan(annuity.id)) != before
    reverse_repayment(prepaid.id, {"date": dt.date(2026, 3, 5), "note": "录入错误"}, today=TODAY)
    assert loan_schedule(get_loan(annuity.id)) == before


def test_reversal_counts_as_never_made_for_subsidy_and_arrears(world):
    loan = make_loan(world, annual_rate="6")
    first = loan_schedule(get_loan(loan.id))[0]
    paid = pay(loan.id, first.due, first.principal, first.interest)
    assert subsidy_lines(get_loan(loan.id), first.due)[0].subsidy == first.interest
    # reversed 10 days after its due date, paid again 20 days late
    reverse_repayment(paid.id, {"date": first.due + dt.timedelta(days=10), "note": "银行退票"}, today=TODAY)
    pay(loan.id, first.due + dt.timedelta(days=20), first.principal, first.interest)
    line = subsidy_lines(get_loan(loan.id), dt.date(2026, 4, 1))[0]
    assert (line.subsidy, line.reason) == (0, "逾期")
    # between the due date and the reversal the installment was not paid either
    assert loan_arrears(get_loan(loan.id), first.due + dt.timedelta(days=5)).days_past_due == 5
    assert loan_arrears(get_loan(loan.id), first.due + dt.timedelta(days=20)).days_past_due == 0


def test_extension_leaves_paid_installments_where_they_were(world):
    loan = make_loan(world, annual_rate="6")
    before = loan_schedule(get_loan(loan.id))
    # the first installment paid on its due date, and a 6-month extension the same day
    pay(loan.id, before[0].due, before[0].principal, before[0].interest)
    extend(loan.id, {"date": before[0].due, "months": 6}, today=TODAY)
    after = loan_schedule(get_loan(loan.id))
    assert after[0].due == before[0].due  # paid: not moved
    assert after[1].due == dt.date(2026, 9, 30)  # 03-31 + 6 months
    assert after[-1].due == dt.date(2027, 7, 31)
    assert sum(r.principal for r in after) == D("12000.00")
    # on a date before the extension the schedule was the original one
    assert loan_schedule(get_loan(loan.id), dt.date(2026, 2, 27)) == before


def test_extension_limit_message_agrees_with_the_check(db, borrower):
    from tests.domain.loans.conftest import policy_data
    from branchtui.domain.loans.policy import save_policy
    from branchtui.domain.loans.service import extension_limit_text

    save_policy(policy_data(max_extension_months=6))
    loan = make_loan(borrower)
    with refused("months") as errors:
        extend(loan.id, {"date": "2026-06-30", "months": 7}, today=TODAY)
    assert errors["months"] == extension_limit_text(loan.id)
    assert "1 到 6" in errors["months"]
