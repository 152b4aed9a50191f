"""Arrears and PAR, worked by hand on a small schedule."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from branchtui.domain.loans import arrears as arrears_module
from branchtui.domain.loans.arrears import (
    BUCKET_NAMES,
    BUCKETS,
    Arrears,
    Payment,
    arrears,
    bucket_of,
    par,
)
from branchtui.domain.loans.schedule import build_schedule

D = Decimal
START = dt.date(2024, 1, 15)
DUE1, DUE2, DUE3 = dt.date(2024, 2, 15), dt.date(2024, 3, 15), dt.date(2024, 4, 15)
DAY = dt.timedelta(days=1)


@pytest.fixture
def schedule():
    # 300.00 at 12 %, 3 months, equal principal: 100 + 3.00, 100 + 2.00, 100 + 1.00
    rows = build_schedule(D("300.00"), D("12"), 3, "equal-principal", START)
    assert [(r.due, r.principal, r.interest) for r in rows] == [
        (DUE1, D("100.00"), D("3.00")),
        (DUE2, D("100.00"), D("2.00")),
        (DUE3, D("100.00"), D("1.00")),
    ]
    return rows


# ------------------------------------------------------------------ buckets


@pytest.mark.parametrize(
    "days, bucket",
    [(0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"),
     (61, "61-90"), (90, "61-90"), (91, "90+"), (5000, "90+")],
)
def test_bucket_of(days, bucket):
    assert bucket_of(days) == bucket


def test_bucket_of_negative_refused():
    with pytest.raises(ValueError):
        bucket_of(-1)


def test_bucket_names():
    assert BUCKETS == ("current", "1-30", "31-60", "61-90", "90+")
    assert set(BUCKET_NAMES) == set(BUCKETS)
    assert BUCKET_NAMES["current"] == "正常"


# ------------------------------------------------------------- no payments


def test_before_first_due(schedule):
    state = arrears(schedule, [], START)
    assert state == Arrears(
        as_of=START,
        days_past_due=0,
        bucket="current",
        overdue_principal=D("0"),
        overdue_interest=D("0"),
        outstanding_principal=D("300.00"),
        paid_principal=D("0"),
        paid_interest=D("0"),
        oldest_unpaid_due=DUE1,
        next_due=DUE1,
    )


def test_on_the_due_date_is_current(schedule):
    state = arrears(schedule, [], DUE1)
    assert state.days_past_due == 0 and state.bucket == "current"
    # due today and unpaid: counted as due, not yet past due
    assert state.overdue_principal == D("100.00") and state.overdue_interest == D("3.00")
    assert state.oldest_unpaid_due == DUE1
    assert state.next_due == DUE2


def test_one_day_late(schedule):
    state = arrears(schedule, [], DUE1 + DAY)
    assert state.days_past_due == 1 and state.bucket == "1-30"
    assert state.overdue_principal == D("100.00") and state.overdue_interest == D("3.00")
    assert state.outstanding_principal == D("300.00")


def test_aging_counts_from_the_oldest_unpaid(schedule):
    state = arrears(schedule, [], DUE2 + DAY)  # 15 Feb → 16 Mar 2024 = 30 days
    assert state.days_past_due == 30 and state.bucket == "1-30"
    assert state.overdue_principal == D("200.00") and state.overdue_interest == D("5.00")
    state = arrears(schedule, [], DUE2 + 2 * DAY)
    assert state.days_past_due == 31 and state.bucket == "31-60"
    state = arrears(schedule, [], dt.date(2024, 6, 1))  # 107 days after 15 Feb
    assert state.days_past_due == 107 and state.bucket == "90+"
    assert state.overdue_principal == D("300.00") and state.overdue_interest == D("6.00")
    assert state.next_due is None


# ---------------------------------------------------------------- payments


def test_first_installment_paid_exactly(schedule):
    paid = [Payment(DUE1, D("100.00"), D("3.00"))]
    for as_of in (DUE1, DUE1 + DAY, DUE2 - DAY, DUE2):
        state = arrears(schedule, paid, as_of)
        assert state.days_past_due == 0 and state.bucket == "current", as_of
        assert state.oldest_unpaid_due == DUE2
        assert state.outstanding_principal == D("200.00")
        assert state.paid_principal == D("100.00") and state.paid_interest == D("3.00")
    assert arrears(schedule, paid, DUE1 + DAY).overdue_principal == 0
    assert arrears(schedule, paid, DUE2 - DAY).next_due == DUE2
    state = arrears(schedule, paid, DUE2 + DAY)
    assert state.days_past_due == 1 and state.bucket == "1-30"
    assert state.overdue_principal == D("100.00") and state.overdue_interest == D("2.00")


def test_partial_payment_leaves_installment_unpaid(schedule):
    paid = [Payment(DUE1, D("60.00"), D("3.00"))]
    state = arrears(schedule, paid, DUE1 + 10 * DAY)
    assert state.days_past_due == 10 and state.bucket == "1-30"
    assert state.oldest_unpaid_due == DUE1
    assert state.overdue_principal == D("40.00") and state.overdue_interest == D("0.00")
    assert state.outstanding_principal == D("240.00")


def test_principal_paid_but_interest_short_is_unpaid(schedule):
    paid = [Payment(DUE1, D("100.00"), D("2.99"))]
    state = arrears(schedule, paid, DUE1 + 5 * DAY)
    assert state.days_past_due == 5 and state.oldest_unpaid_due == DUE1
    assert state.overdue_principal == 0 and state.overdue_interest == D("0.01")


def test_reversal_undoes_a_payment(schedule):
    paid = [
        Payment(DUE1, D("100.00"), D("3.00")),
        Payment(DUE1 + 3 * DAY, D("-100.00"), D("-3.00")),  # posted to the wrong loan
    ]
    before = arrears(schedule, paid, DUE1 + 2 * DAY)
    assert before.days_past_due == 0 and before.outstanding_principal == D("200.00")
    after = arrears(schedule, paid, DUE1 + 5 * DAY)
    assert after.days_past_due == 5 and after.bucket == "1-30"
    assert after.paid_principal == 0 and after.paid_interest == 0
    assert after.outstanding_principal == D("300.00")
    assert after.overdue_principal == D("100.00") and after.overdue_interest == D("3.00")
    assert after.oldest_unpaid_due == DUE1


def test_payments_after_as_of_are_ignored(schedule):
    paid = [Payment(DUE1 + 20 * DAY, D("100.00"), D("3.00"))]
    state = arrears(schedule, paid, DUE1 + 19 * DAY)
    assert state.days_past_due == 19
    assert state.paid_principal == 0 and state.outstanding_principal == D("300.00")
    state = arrears(schedule, paid, DUE1 + 20 * DAY)
    assert state.days_past_due == 0 and state.outstanding_principal == D("200.00")


def test_payments_spread_in_due_order(schedule):
    # two late lumps that cover the first two installments between them
    paid = [
        Payment(DUE2 + 5 * DAY, D("150.00"), D("4.00")),
        Payment(DUE2 + 9 * DAY, D("50.00"), D("1.00")),
    ]
    state = arrears(schedule, paid, DUE2 + 6 * DAY)
    assert state.oldest_unpaid_due == DUE2  # first covered, second short
    assert state.days_past_due == 6
    assert state.overdue_principal == D("50.00") and state.overdue_interest == D("1.00")
    state = arrears(schedule, paid, DUE2 + 9 * DAY)
    assert state.days_past_due == 0 and state.oldest_unpaid_due == DUE3


def test_prepayment_moves_next_due(schedule):
    paid = [Payment(DUE1 - DAY, D("200.00"), D("5.00"))]
    state = arrears(schedule, paid, DUE1 + DAY)
    assert state.days_past_due == 0 and state.overdue_principal == 0
    assert state.oldest_unpaid_due == DUE3 and state.next_due == DUE3


def test_all_paid(schedule):
    paid = [Payment(DUE3, D("300.00"), D("6.00"))]
    state = arrears(schedule, paid, DUE3 + 40 * DAY)
    assert state.days_past_due == 0 and state.bucket == "current"
    assert state.oldest_unpaid_due is None and state.next_due is None
    assert state.outstanding_principal == 0
    assert state.overdue_principal == 0 and state.overdue_interest == 0


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 400).map(lambda d: START + dt.timedelta(days=d)),
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(-5000, 20000), st.integers(-200, 600)),
        max_size=6,
    ),
)
def test_arrears_consistency(as_of, raw):
    schedule = build_schedule(D("300.00"), D("12"), 3, "equal-principal", START)
    payments = [Payment(START + dt.timedelta(days=d), D(p) / 100, D(i) / 100) for d, p, i in raw]
    state = arrears(schedule, payments, as_of)
    counted = [p for p in payments if p.date <= as_of]
    assert state.paid_principal == sum((p.principal for p in counted), D(0))
    assert state.outstanding_principal == D("300.00") - state.paid_principal
    assert state.overdue_principal >= 0 and state.overdue_interest >= 0
    assert state.bucket == bucket_of(state.days_past_due)
    if state.oldest_unpaid_due is None or state.oldest_unpaid_due >= as_of:
        assert state.days_past_due == 0
    else:
        assert state.days_past_due == (as_of - state.oldest_unpaid_due).days
    if state.next_due is not None:
        assert state.next_due > as_of
    # nothing overdue exactly when nothing is past due (payments never exceed what is due here)
    if state.days_past_due > 0:
        assert state.overdue_principal > 0 or state.overdue_interest > 0


# --------------------------------------------------------------------- PAR


def test_case4_par30():
    loans = [(D("2000"), 45), (D("15000"), 0), (D("40000"), 10)]
    share = par(loans)
    assert share == D(2000) / D(57000)
    assert share.quantize(D("0.0001")) == D("0.0351")


def test_par_counts_the_whole_balance_over_the_line():
    assert par([(D("1000"), 31), (D("1000"), 30)]) == D("0.5")
    assert par([(D("1000"), 31)], threshold_days=90) == 0
    assert par([(D("1000"), 91), (D("3000"), 0)], threshold_days=90) == D("0.25")


def test_par_nothing_outstanding():
    assert par([]) == D(0)
    assert par([(D("0"), 100)]) == D(0)
    assert isinstance(par(iter([])), Decimal)


def test_par_accepts_a_generator():
    assert par(((D(x), 40) for x in (1, 2, 3))) == 1


def test_module_is_pure_standard_library():
    tree = ast.parse(inspect.getsource(arrears_module))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    assert names <= {"__future__", "calendar", "collections", "datetime", "dataclasses", "decimal", "fractions", "math"}
