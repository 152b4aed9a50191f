"""财政贴息: the state's share of the interest, per installment and per quarter."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest

from tests.conftest import TODAY
from tests.domain.loans.conftest import loan_data, make_loan, policy_data

from branchtui.domain.loans.policy import save_policy
from branchtui.domain.loans.repayments import record_repayment
from branchtui.domain.loans.service import create_loan, extend, get_loan, loan_schedule
from branchtui.domain.loans.subsidy import claims_by_quarter, quarter_of, subsidy_lines

D = Decimal
FEN = D("0.01")
START = dt.date(2026, 1, 15)  # dues on the 15th, 2026-02-15 …


def pay_on_time(loan_id, *, late: dict | None = None, skip: tuple = (), after: dt.date | None = None,
                until: dt.date = TODAY):
    """Pay each installment due in (``after``, ``until``] on its due date (or on ``late[number]``)."""
    late = late or {}
    for row in loan_schedule(get_loan(loan_id)):
        if row.due > until:
            break
        if row.number in skip or (after and row.due <= after):
            continue
        record_repayment(loan_id, {"date": late.get(row.number, row.due), "principal": row.principal,
                                   "interest": row.interest}, today=TODAY)


def interest_only(borrower, months=12, **overrides):
    """3,000.00 at 5.3 %, interest monthly: 13.25 a month (an odd fen for halving)."""
    return make_loan(borrower, amount="3000", annual_rate="5.3", months=months, method="interest-monthly",
                     disbursed=START, **overrides)


def test_full_subsidy_when_every_installment_is_paid_on_time(world):
    loan = interest_only(world)
    pay_on_time(loan.id)
    lines = subsidy_lines(get_loan(loan.id), TODAY)
    assert [line.number for line in lines] == list(range(1, 11))  # due 2026-02-15 … 2026-11-15
    assert all(line.interest == D("13.25") for line in lines)
    assert all(line.subsidy == line.interest and line.reason == "" for line in lines)


def test_full_subsidy_on_an_amortizing_loan(world):
    loan = make_loan(world, amount="20000", annual_rate="5.31", months=24, method="等额本息", disbursed=START)
    pay_on_time(loan.id)
    lines = subsidy_lines(get_loan(loan.id), TODAY)
    schedule = loan_schedule(get_loan(loan.id))
    assert len(lines) == 10
    assert [line.subsidy for line in lines] == [row.interest for row in schedule[:10]]
    assert lines[0].subsidy == D("88.50")  # 20,000 × 5.31 % / 12


def test_lines_stop_at_the_as_of_date(world):
    loan = interest_only(world)
    pay_on_time(loan.id)
    assert [line.due for line in subsidy_lines(get_loan(loan.id), dt.date(2026, 4, 15))] == [
        dt.date(2026, 2, 15), dt.date(2026, 3, 15), dt.date(2026, 4, 15)]
    assert subsidy_lines(get_loan(loan.id), dt.date(2026, 2, 14)) == []


def test_no_subsidy_for_an_installment_paid_late(world):
    loan = interest_only(world)
    pay_on_time(loan.id, late={3: dt.date(2026, 4, 20)}, skip=(10,))
    lines = {line.number: line for line in subsidy_lines(get_loan(loan.id), TODAY)}
    assert (lines[3].subsidy, lines[3].reason, lines[3].interest) == (D("0.00"), "逾期", D("13.25"))
    assert (lines[2].subsidy, lines[2].reason) == (D("13.25"), "")
    assert (lines[4].subsidy, lines[4].reason) == (D("13.25"), "")  # paid on time again
    assert (lines[10].subsidy, lines[10].reason) == (D("0.00"), "逾期")  # never paid
    assert sum(line.subsidy for line in lines.values()) == D("13.25") * 8


def test_no_subsidy_during_an_extension(world):
    loan = interest_only(world, months=6)  # original maturity 2026-07-15
    pay_on_time(loan.id, until=dt.date(2026, 7, 1))
    extend(loan.id, {"date": "2026-07-01", "months": 6}, today=TODAY)
    pay_on_time(loan.id, after=dt.date(2026, 7, 1))  # and what fell due after the extension
    assert get_loan(loan.id).state == "展期"
    lines = subsidy_lines(get_loan(loan.id), TODAY)
    assert [line.number for line in lines] == list(range(1, 11))
    for line in lines[:6]:  # up to and including the original maturity
        assert (line.subsidy, line.reason) == (D("13.25"), ""), line
    assert lines[5].due == dt.date(2026, 7, 15)
    for line in lines[6:]:
        assert (line.subsidy, line.reason, line.interest) == (D("0.00"), "展期", D("13.25")), line


def test_claims_by_quarter_of_the_due_date(world):
    on_time = interest_only(world)
    pay_on_time(on_time.id)
    extended = interest_only(world, months=6)
    pay_on_time(extended.id, until=dt.date(2026, 7, 1))
    extend(extended.id, {"date": "2026-07-01", "months": 6}, today=TODAY)
    pay_on_time(extended.id, after=dt.date(2026, 7, 1))
    late = interest_only(world)
    pay_on_time(late.id, late={1: dt.date(2026, 2, 16)})
    claims = claims_by_quarter([get_loan(x.id) for x in (on_time, extended, late)], TODAY)
    assert list(claims) == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    month = D("13.25")
    assert claims == {
        # on time: 2 + 3 + 3 + 2; extended: 2 + 3 + 1 (07-15), then 展期; late: all but 02-15
        "2026Q1": month * 2 + month * 2 + month * 1,
        "2026Q2": month * 3 + month * 3 + month * 3,
        "2026Q3": month * 3 + month * 1 + month * 3,
        "2026Q4": month * 2 + D("0") + month * 2,
    }
    assert claims_by_quarter([get_loan(on_time.id)], dt.date(2026, 3, 31)) == {"2026Q1": month * 2}


@pytest.mark.parametrize("day, quarter", [
    (dt.date(2026, 1, 1), "2026Q1"), (dt.date(2026, 3, 31), "2026Q1"), (dt.date(2026, 4, 1), "2026Q2"),
    (dt.date(2026, 9, 30), "2026Q3"), (dt.date(2026, 10, 1), "2026Q4"), (dt.date(2025, 12, 31), "2025Q4"),
])
def test_quarter_of(day, quarter):
    assert quarter_of(day) == quarter


def test_half_subsidy_is_rounded_half_up(db, borrower):
    save_policy(policy_data())
    save_policy(policy_data(effective_from=dt.date(2026, 1, 1), name="贴息减半", subsidy_percent=50))
    loan = interest_only(borrower)  # applied 2026-01-03: under the 50 % policy
    pay_on_time(loan.id)
    lines = subsidy_lines(get_loan(loan.id), TODAY)
    assert len(lines) == 10
    # 13.25 × 0.5 = 6.625 → 6.63 (ROUND_HALF_EVEN would give 6.62)
    assert D("6.625").quantize(FEN, rounding=ROUND_HALF_EVEN) == D("6.62")
    assert all(line.subsidy == D("6.63") for line in lines)


def test_half_subsidy_on_varying_interest(db, borrower):
    save_policy(policy_data(subsidy_percent=50))
    loan = make_loan(borrower, amount="20000", annual_rate="5.31", months=24, method="等额本金",
                     disbursed=START)
    pay_on_time(loan.id)
    lines = subsidy_lines(get_loan(loan.id), TODAY)
    assert len(lines) == 10
    for line in lines:
        assert line.subsidy == (line.interest * D("0.5")).quantize(FEN, rounding=ROUND_HALF_UP)
    assert any(line.interest * 100 % 2 == 1 for line in lines)  # some halve to half a fen


def test_the_percent_may_be_given(world):
    loan = interest_only(world)
    pay_on_time(loan.id)
    lines = subsidy_lines(get_loan(loan.id), TODAY, subsidy_percent=50)
    assert {line.subsidy for line in lines} == {D("6.63")}
    assert {line.subsidy for line in subsidy_lines(get_loan(loan.id), TODAY, subsidy_percent=0)} == {D("0.00")}


def test_no_lines_for_a_loan_not_disbursed(world):
    loan = create_loan(loan_data(world), today=TODAY)
    assert subsidy_lines(get_loan(loan.id), TODAY) == []
