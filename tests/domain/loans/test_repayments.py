"""Repayments as the lender records them, reversals, and arrears worked by hand."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.conftest import TODAY
from tests.domain.loans.conftest import counts, make_loan, refused

from branchtui.domain import identity
from branchtui.domain.errors import NotFound
from branchtui.domain.loans.repayments import (
    installment_status,
    loan_arrears,
    payments_of,
    record_repayment,
    repayments,
    reverse_repayment,
)
from branchtui.domain.loans.service import ACTIVE, SETTLED, get_loan, loan_schedule
from branchtui.store.models import Audit, LoanEvent, Repayment

D = Decimal
FEB, MAR, APR = dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2026, 4, 30)


@pytest.fixture
def loan(world):
    """12,000.00 at 0 % over 12 months, equal installments, disbursed 2026-01-31: 1,000.00 a month."""
    return make_loan(world)


@pytest.fixture
def short_loan(world):
    """3,000.00 at 12 %, 3 months, equal installments, disbursed 2026-01-31."""
    return make_loan(world, amount="3000", annual_rate="12", months=3, method="等额本息")


def pay(loan_id, day, principal, interest="0", **extra):
    data = {"date": day, "principal": principal, "interest": interest}
    data.update(extra)
    return record_repayment(loan_id, data, today=TODAY)


# ---------------------------------------------------------- arrears by hand


def test_due_dates_clamp_to_the_end_of_month_without_drifting(loan):
    schedule = loan_schedule(get_loan(loan.id))
    assert [r.due for r in schedule[:5]] == [FEB, MAR, APR, dt.date(2026, 5, 31), dt.date(2026, 6, 30)]
    assert schedule[-1].due == dt.date(2027, 1, 31)
    assert all(r.principal == D("1000.00") and r.interest == D("0.00") for r in schedule)


@pytest.mark.parametrize("as_of, days, bucket, overdue", [
    (dt.date(2026, 2, 27), 0, "current", D("0.00")),
    (FEB, 0, "current", D("1000.00")),  # falls due today: not yet late
    (dt.date(2026, 3, 1), 1, "1-30", D("1000.00")),
    (dt.date(2026, 3, 30), 30, "1-30", D("1000.00")),
    (dt.date(2026, 3, 31), 31, "31-60", D("2000.00")),
    (dt.date(2026, 4, 15), 46, "31-60", D("2000.00")),
    (dt.date(2026, 5, 29), 90, "61-90", D("3000.00")),
    (dt.date(2026, 5, 30), 91, "90+", D("3000.00")),
])
def test_loan_arrears_without_payments(loan, as_of, days, bucket, overdue):
    state = loan_arrears(get_loan(loan.id), as_of)
    assert state.days_past_due == days
    assert state.bucket == bucket
    assert state.overdue_principal == overdue
    assert state.overdue_interest == D("0.00")
    assert state.outstanding_principal == D("12000.00")


def test_loan_arrears_after_a_payment(loan):
    pay(loan.id, dt.date(2026, 4, 15), "1000")
    state = loan_arrears(get_loan(loan.id), dt.date(2026, 4, 15))
    assert (state.days_past_due, state.bucket) == (15, "1-30")
    assert state.oldest_unpaid_due == MAR
    assert state.overdue_principal == D("1000.00")
    assert state.outstanding_principal == D("11000.00")
    assert state.next_due == APR
    # the day before, the payment had not been made
    assert loan_arrears(get_loan(loan.id), dt.date(2026, 4, 14)).days_past_due == 45
    status = installment_status(loan_schedule(get_loan(loan.id)), payments_of(loan.id), dt.date(2026, 4, 15))
    assert status[:4] == ["已还", "逾期", "", ""]


def test_part_of_an_installment_leaves_it_unpaid(loan):
    pay(loan.id, FEB, "999.99")
    state = loan_arrears(get_loan(loan.id), dt.date(2026, 4, 15))
    assert state.days_past_due == 46
    assert state.overdue_principal == D("1000.01")


# ------------------------------------------------------------- recording


def test_repayment_is_stored_with_audit(loan, monkeypatch):
    identity.set_login_for_tests("xindai02")
    repayment = pay(loan.id, "2026年2月28日", "1,000.00")
    row = Repayment.get_by_id(repayment.id)
    assert (row.loan_id, row.date, row.principal, row.interest, row.reverses_id) == (
        loan.id, FEB, D("1000.00"), D("0.00"), None)
    audit = Audit.get((Audit.table == "repayment") & (Audit.row_id == row.id))
    assert audit.action == "create" and audit.login == "xindai02"
    assert json.loads(audit.after)["principal"] == "1000.00"


def test_repayment_before_disbursement_refused(loan):
    with refused("date") as errors:
        pay(loan.id, dt.date(2026, 1, 30), "1000")
    assert "2026-01-31" in errors["date"]


def test_repayment_in_the_future_refused(loan):
    with refused("date"):
        pay(loan.id, TODAY + dt.timedelta(days=1), "1000")


def test_repayment_of_a_loan_not_disbursed_refused(world):
    from tests.domain.loans.conftest import loan_data
    from branchtui.domain.loans.service import create_loan

    applied = create_loan(loan_data(world), today=TODAY)
    with refused("principal"):
        pay(applied.id, dt.date(2026, 2, 1), "100")


@pytest.mark.parametrize("principal, interest", [("0", "0"), ("", ""), ("0.00", None)])
def test_zero_and_zero_refused(loan, principal, interest):
    with refused("principal") as errors:
        record_repayment(loan.id, {"date": FEB, "principal": principal, "interest": interest}, today=TODAY)
    assert "零" in errors["principal"]


def test_negative_amounts_refused(loan):
    with refused("principal"):
        pay(loan.id, FEB, "-1000")
    with refused("interest"):
        pay(loan.id, FEB, "1000", "-1")


def test_more_than_due_by_that_date_refused_unless_prepayment(loan):
    with refused("principal") as errors:
        pay(loan.id, MAR, "2000.01")
    assert "提前还款" in errors["principal"]
    assert "2,000.00" in errors["principal"]
    with refused("principal") as errors:  # before the first due date nothing is due yet
        pay(loan.id, dt.date(2026, 2, 20), "1000")
    assert "提前还款" in errors["principal"]
    with refused("principal"):
        pay(loan.id, MAR, "2000.01", prepayment="否")

    pay(loan.id, MAR, "2000")  # exactly what is due: fine
    repayment = pay(loan.id, MAR, "3000", prepayment="是")
    assert repayment.note == "提前还款（减少月供）"
    assert loan_arrears(get_loan(loan.id), MAR).outstanding_principal == D("7000.00")


def test_interest_beyond_what_is_due_refused(short_loan):
    first = loan_schedule(get_loan(short_loan.id))[0]
    with refused("principal") as errors:
        pay(short_loan.id, FEB, first.principal, first.interest + D("0.01"))
    assert "提前还款" in errors["principal"]


def test_interest_on_an_interest_free_loan_refused(loan):
    with refused("interest"):
        pay(loan.id, FEB, "1000", "0.01", prepayment="是")


def test_never_more_principal_than_outstanding_even_as_prepayment(loan):
    pay(loan.id, FEB, "1000")
    with refused("principal") as errors:
        pay(loan.id, MAR, "11000.01", prepayment="是")
    assert "11,000.00" in errors["principal"]
    assert get_loan(loan.id).state == ACTIVE


def test_prepaying_everything_settles_the_loan(loan):
    pay(loan.id, MAR, "12000", prepayment="是")
    assert get_loan(loan.id).state == SETTLED
    assert LoanEvent.get((LoanEvent.loan == loan.id) & (LoanEvent.kind == SETTLED)).date == MAR


def test_paying_every_installment_on_its_due_date_settles_the_loan(short_loan):
    schedule = loan_schedule(get_loan(short_loan.id))
    assert [r.due for r in schedule] == [FEB, MAR, APR]
    for row in schedule:
        assert get_loan(short_loan.id).state == ACTIVE
        pay(short_loan.id, row.due, row.principal, row.interest)
    loan = get_loan(short_loan.id)
    assert loan.state == SETTLED
    settled = list(LoanEvent.select().where((LoanEvent.loan == loan.id) & (LoanEvent.kind == SETTLED)))
    assert len(settled) == 1 and settled[0].date == APR
    state = loan_arrears(loan, TODAY)
    assert (state.outstanding_principal, state.days_past_due, state.oldest_unpaid_due) == (D("0.00"), 0, None)
    audit = Audit.select().where((Audit.table == "loan") & (Audit.row_id == loan.id)).order_by(Audit.id.desc()).first()
    assert json.loads(audit.after)["state"] == SETTLED


def test_principal_paid_but_interest_owed_is_not_settled(short_loan):
    schedule = loan_schedule(get_loan(short_loan.id))
    pay(short_loan.id, APR, "3000", sum(r.interest for r in schedule[:-1]))
    assert get_loan(short_loan.id).state == ACTIVE
    pay(short_loan.id, APR, "0", schedule[-1].interest)
    assert get_loan(short_loan.id).state == SETTLED


def test_a_settled_loan_cannot_take_a_repayment(loan):
    pay(loan.id, MAR, "12000", prepayment="是")
    with refused("principal") as errors:
        pay(loan.id, APR, "1", prepayment="是")
    assert SETTLED in errors["principal"]


def test_missing_loan_not_found(db):
    with pytest.raises(NotFound):
        record_repayment(31337, {"date": FEB, "principal": "1"}, today=TODAY)


# -------------------------------------------------------------- reversals


def test_reversal_is_a_negative_entry_and_the_arrears_come_back(loan):
    original = pay(loan.id, FEB, "1000")
    before = Repayment.get_by_id(original.id).__data__.copy()
    assert loan_arrears(get_loan(loan.id), dt.date(2026, 4, 15)).days_past_due == 15

    reversal = reverse_repayment(original.id, {"date": "2026-04-10", "note": "录入错误：重复登记"}, today=TODAY)
    row = Repayment.get_by_id(reversal.id)
    assert (row.principal, row.interest, row.reverses_id, row.date) == (
        D("-1000.00"), D("0.00"), original.id, dt.date(2026, 4, 10))
    assert row.note == "录入错误：重复登记"

    state = loan_arrears(get_loan(loan.id), dt.date(2026, 4, 15))
    assert (state.days_past_due, state.bucket) == (46, "31-60")
    assert state.overdue_principal == D("2000.00")
    assert state.outstanding_principal == D("12000.00")
    # a reversed payment counts as never made, also before the reversal's date
    assert loan_arrears(get_loan(loan.id), dt.date(2026, 4, 9)).days_past_due == 40

    # the original is never edited
    assert Repayment.get_by_id(original.id).__data__ == before
    actions = {a.action for a in Audit.select().where(Audit.table == "repayment")}
    assert actions == {"create"}
    assert [r.id for r in repayments(loan.id)] == [original.id, reversal.id]


def test_reversing_twice_refused(loan):
    original = pay(loan.id, FEB, "1000")
    reverse_repayment(original.id, {"date": "2026-03-01", "note": "错账"}, today=TODAY)
    with refused("note") as errors:
        reverse_repayment(original.id, {"date": "2026-03-02", "note": "再冲一次"}, today=TODAY)
    assert "已经冲正" in errors["note"]


def test_reversing_a_reversal_refused(loan):
    original = pay(loan.id, FEB, "1000")
    reversal = reverse_repayment(original.id, {"date": "2026-03-01", "note": "错账"}, today=TODAY)
    with refused("note") as errors:
        reverse_repayment(reversal.id, {"date": "2026-03-02", "note": "冲错了"}, today=TODAY)
    assert "冲正记录" in errors["note"]


def test_reversal_needs_a_reason_and_a_sensible_date(loan):
    original = pay(loan.id, MAR, "2000")
    with refused("note"):
        reverse_repayment(original.id, {"date": "2026-04-01", "note": "  "}, today=TODAY)
    with refused("date"):
        reverse_repayment(original.id, {"date": "2026-03-30", "note": "错账"}, today=TODAY)
    reversal = reverse_repayment(original.id, {"note": "错账"}, today=TODAY)
    assert reversal.date == TODAY  # dated when the mistake was found


def test_reversal_dated_in_the_future_refused(loan):
    # Like every other entry, a reversal cannot be dated after today: arrears
    # would silently ignore it until that day.
    original = pay(loan.id, FEB, "1000")
    with refused("date"):
        reverse_repayment(original.id, {"date": (TODAY + dt.timedelta(days=1)).isoformat(), "note": "错账"},
                          today=TODAY)


def test_reversing_the_payment_of_a_settled_loan_refused(loan):
    original = pay(loan.id, MAR, "12000", prepayment="是")
    with refused("note"):
        reverse_repayment(original.id, {"date": "2026-04-01", "note": "错账"}, today=TODAY)


def test_reversing_a_missing_repayment(db):
    with pytest.raises(NotFound):
        reverse_repayment(999, {"note": "错账"}, today=TODAY)


def test_after_a_reversal_the_money_can_be_recorded_again(loan):
    original = pay(loan.id, FEB, "1000")
    reverse_repayment(original.id, {"date": FEB, "note": "金额有误"}, today=TODAY)
    before = counts()
    pay(loan.id, FEB, "1000")
    assert counts() != before
    assert loan_arrears(get_loan(loan.id), MAR - dt.timedelta(days=1)).days_past_due == 0
