"""The committee as guarantor: payout (代偿), recovery (追偿), write-off (核销)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import TODAY
from tests.domain.loans.conftest import loan_data, make_loan, policy_data, refused

from branchtui.domain.loans.guarantee import paid_out, payout, recover, recovered, write_off
from branchtui.domain.loans.policy import save_policy
from branchtui.domain.loans.repayments import loan_arrears, record_repayment
from branchtui.domain.loans.service import (
    PAID_OUT,
    RECOVERING,
    SETTLED,
    WRITTEN_OFF,
    create_loan,
    extend,
    get_loan,
)
from branchtui.store.models import LoanEvent

D = Decimal
WAITED_90 = dt.date(2026, 5, 29)  # 90 days after the first unpaid due date, 2026-02-28
WAITED_91 = dt.date(2026, 5, 30)


@pytest.fixture
def loan(world):
    """12,000.00 at 0 %, 12 months from 2026-01-31; nothing ever paid."""
    return make_loan(world)


@pytest.fixture
def paid_out_loan(loan):
    payout(loan.id, {"date": WAITED_91, "amount": "12000", "note": "担保基金代偿"}, today=TODAY)
    return get_loan(loan.id)


def kinds(loan_id):
    return [(e.kind, e.date, e.amount)
            for e in LoanEvent.select().where(LoanEvent.loan == loan_id).order_by(LoanEvent.id)][3:]


def test_payout_within_the_waiting_period_refused(loan):
    assert loan_arrears(get_loan(loan.id), WAITED_90).days_past_due == 90
    with refused("date") as errors:
        payout(loan.id, {"date": WAITED_90, "amount": "12000"}, today=TODAY)
    assert "90" in errors["date"]
    assert get_loan(loan.id).state == "还款中"


def test_payout_after_the_waiting_period(loan):
    payout(loan.id, {"date": WAITED_91, "amount": "1.2万", "note": "担保基金代偿"}, today=TODAY)
    loan = get_loan(loan.id)
    assert loan.state == PAID_OUT
    assert kinds(loan.id) == [(PAID_OUT, WAITED_91, D("12000.00"))]
    assert paid_out(loan.id) == D("12000.00")
    with refused("principal"):  # the borrower now owes the fund, not the lender
        record_repayment(loan.id, {"date": WAITED_91, "principal": "1000"}, today=TODAY)


def test_the_waiting_period_comes_from_the_policy(db, borrower):
    save_policy(policy_data(payout_wait_days=30))
    loan = make_loan(borrower)
    with refused("date") as errors:
        payout(loan.id, {"date": "2026-03-30", "amount": "1000"}, today=TODAY)  # 30 days
    assert "30" in errors["date"]
    payout(loan.id, {"date": "2026-03-31", "amount": "1000"}, today=TODAY)  # 31 days
    assert get_loan(loan.id).state == PAID_OUT


def test_payout_of_a_loan_that_is_paid_up_refused(loan):
    record_repayment(loan.id, {"date": WAITED_91, "principal": "3000"}, today=TODAY)
    with refused("date") as errors:
        payout(loan.id, {"date": WAITED_91, "amount": "9000"}, today=TODAY)
    assert "逾期 0 天" in errors["date"]


def test_payout_more_than_owed_refused(loan):
    with refused("amount") as errors:
        payout(loan.id, {"date": WAITED_91, "amount": "12000.01"}, today=TODAY)
    assert "12,000.00" in errors["amount"]


def test_payout_may_include_overdue_interest_but_no_more(world):
    # 12,000.00 at 6 %, interest only: 60.00 due on 02-28, 03-31 and 04-30 by 2026-05-30
    loan = make_loan(world, annual_rate="6", method="interest-monthly")
    with refused("amount") as errors:
        payout(loan.id, {"date": WAITED_91, "amount": "12180.01"}, today=TODAY)
    assert "12,180.00" in errors["amount"]
    payout(loan.id, {"date": WAITED_91, "amount": "12180"}, today=TODAY)
    assert paid_out(loan.id) == D("12180.00")


@pytest.mark.parametrize("data, field", [
    ({"date": "", "amount": "1000"}, "date"),
    ({"date": (TODAY + dt.timedelta(days=1)).isoformat(), "amount": "1000"}, "date"),
    ({"date": WAITED_91, "amount": "0"}, "amount"),
    ({"date": WAITED_91, "amount": ""}, "amount"),
    ({"date": WAITED_91, "amount": "-5"}, "amount"),
])
def test_payout_form_checked(loan, data, field):
    with refused(field):
        payout(loan.id, data, today=TODAY)


def test_payout_of_a_loan_not_disbursed_refused(world):
    loan = create_loan(loan_data(world), today=TODAY)
    with refused("amount"):
        payout(loan.id, {"date": WAITED_91, "amount": "1000"}, today=TODAY)


def test_payout_of_an_extended_loan(world):
    loan = make_loan(world, annual_rate="6", method="interest-monthly", disbursed=dt.date(2025, 6, 30))
    extend(loan.id, {"date": "2025-08-15", "months": 6}, today=TODAY)
    payout(loan.id, {"date": TODAY, "amount": "1000"}, today=TODAY)
    assert get_loan(loan.id).state == PAID_OUT


def test_recover_part_then_the_rest(paid_out_loan):
    loan_id = paid_out_loan.id
    recover(loan_id, {"date": "2026-06-30", "amount": "5000", "note": "变卖设备"}, today=TODAY)
    assert get_loan(loan_id).state == RECOVERING
    assert recovered(loan_id) == D("5000.00")

    with refused("amount") as errors:
        recover(loan_id, {"date": "2026-07-31", "amount": "7000.01"}, today=TODAY)
    assert "7,000.00" in errors["amount"]

    recover(loan_id, {"date": "2026-07-31", "amount": "3000"}, today=TODAY)
    assert get_loan(loan_id).state == RECOVERING
    recover(loan_id, {"date": "2026-08-31", "amount": "4000"}, today=TODAY)
    assert get_loan(loan_id).state == SETTLED
    assert recovered(loan_id) == paid_out(loan_id) == D("12000.00")
    assert kinds(loan_id) == [
        (PAID_OUT, WAITED_91, D("12000.00")),
        (RECOVERING, dt.date(2026, 6, 30), D("5000.00")),
        (RECOVERING, dt.date(2026, 7, 31), D("3000.00")),
        (RECOVERING, dt.date(2026, 8, 31), D("4000.00")),
        (SETTLED, dt.date(2026, 8, 31), D("0.00")),
    ]
    with refused("amount"):
        recover(loan_id, {"date": "2026-09-30", "amount": "1"}, today=TODAY)


def test_recovery_dated_before_the_payout_refused(paid_out_loan):
    # Nothing can be recovered of money the fund has not paid out yet.
    with refused("date"):
        recover(paid_out_loan.id, {"date": "2026-05-29", "amount": "100"}, today=TODAY)
    with refused("date"):
        recover(paid_out_loan.id, {"date": (TODAY + dt.timedelta(days=1)).isoformat(), "amount": "100"},
                today=TODAY)
    recover(paid_out_loan.id, {"date": WAITED_91, "amount": "100"}, today=TODAY)  # the same day is fine
    assert get_loan(paid_out_loan.id).state == RECOVERING


def test_write_off_dated_before_the_payout_refused(paid_out_loan):
    with refused("date"):
        write_off(paid_out_loan.id, {"date": "2026-05-29", "note": "无财产可供执行"}, today=TODAY)
    assert get_loan(paid_out_loan.id).state == PAID_OUT


def test_recover_everything_at_once_settles(paid_out_loan):
    recover(paid_out_loan.id, {"date": "2026-06-30", "amount": "12000"}, today=TODAY)
    assert get_loan(paid_out_loan.id).state == SETTLED


def test_recover_more_than_paid_out_refused(paid_out_loan):
    with refused("amount") as errors:
        recover(paid_out_loan.id, {"date": "2026-06-30", "amount": "12000.01"}, today=TODAY)
    assert "12,000.00" in errors["amount"]
    assert get_loan(paid_out_loan.id).state == PAID_OUT


def test_recover_from_a_loan_never_paid_out_refused(loan):
    with refused("amount"):
        recover(loan.id, {"date": WAITED_91, "amount": "100"}, today=TODAY)


def test_write_off_needs_a_reason(paid_out_loan):
    recover(paid_out_loan.id, {"date": "2026-06-30", "amount": "2000"}, today=TODAY)
    with refused("note"):
        write_off(paid_out_loan.id, {"date": "2026-10-01", "note": ""}, today=TODAY)
    with refused("note"):
        write_off(paid_out_loan.id, {"date": "2026-10-01"}, today=TODAY)
    with refused("date"):
        write_off(paid_out_loan.id, {"date": (TODAY + dt.timedelta(days=1)).isoformat(), "note": "死亡"},
                  today=TODAY)
    write_off(paid_out_loan.id, {"date": "2026-10-01", "note": "借款人无财产可供执行，经党委会研究核销"},
              today=TODAY)
    loan = get_loan(paid_out_loan.id)
    assert loan.state == WRITTEN_OFF
    assert kinds(loan.id)[-1] == (WRITTEN_OFF, dt.date(2026, 10, 1), D("10000.00"))


def test_write_off_of_a_loan_being_repaid_refused(loan):
    with refused("state"):
        write_off(loan.id, {"date": WAITED_91, "note": "无力偿还"}, today=TODAY)
