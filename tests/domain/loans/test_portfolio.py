"""The loan book as of a date: rows, filters, figures, PAR, and the town summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import TODAY
from tests.domain.loans.conftest import loan_data, make_loan

from branchtui.domain.loans.arrears import par
from branchtui.domain.loans.portfolio import loan_figures, loan_rows
from branchtui.domain.loans.repayments import record_repayment
from branchtui.domain.loans.service import REPAYING, create_loan
from branchtui.domain.summary import town_summary
from branchtui.store.models import Branch, Loan

D = Decimal
AS_OF = dt.date(2026, 4, 15)


def test_par30_reference_case_4():
    loans = [(D("2000"), 45), (D("15000"), 0), (D("40000"), 10)]
    value = par(loans, 30)
    assert value == D(2000) / D(57000)
    assert value.quantize(D("0.0001")) == D("0.0351")
    assert par(loans, 5) == D(42000) / D(57000)  # the whole balance of a loan over the line
    assert par([], 30) == 0


# ------------------------------------------------------------ a small book


@pytest.fixture
def book(world):
    """As of 2026-04-15: one loan 46 days late, one current, one applied, one not yet disbursed."""
    late = make_loan(world)  # 12,000.00 from 2026-01-31, nothing paid
    current = make_loan(world, amount="3000", disbursed=dt.date(2026, 3, 20), business="早点铺")
    applied = create_loan(loan_data(world, amount="5000", applied=dt.date(2026, 4, 1)), today=TODAY)
    later = make_loan(world, amount="8000", disbursed=dt.date(2026, 5, 1))
    return late, current, applied, later


def test_loan_figures_worked_by_hand(book):
    figures = loan_figures(AS_OF)
    assert figures.count == 2
    assert figures.disbursed == D("15000.00")
    assert figures.outstanding == D("15000.00")
    assert figures.overdue_count == 1
    assert figures.par30 == D("0.8")
    assert figures.monthly_this_year == [D("12000.00"), D("0"), D("3000.00")] + [D("0")] * 9
    data = figures.to_json()
    assert (data["count"], data["disbursed_fen"], data["outstanding_fen"], data["par30"]) == (
        2, 1500000, 1500000, 0.8)


def test_loan_figures_after_payments(book):
    late, current, *_ = book
    record_repayment(late.id, {"date": AS_OF, "principal": "2000"}, today=TODAY)
    figures = loan_figures(AS_OF)
    assert figures.outstanding == D("13000.00")
    assert figures.overdue_count == 0
    assert figures.par30 == 0
    assert loan_figures(dt.date(2026, 4, 14)).outstanding == D("15000.00")  # not yet paid then


def test_loan_rows_of_the_small_book(book):
    late, current, applied, later = book
    rows = loan_rows(AS_OF)
    # most overdue first, then the latest disbursed, the loans not disbursed by then last;
    # ``later`` was applied for only on 2026-04-19: on AS_OF it did not exist yet
    assert [r.id for r in rows] == [late.id, current.id, applied.id]
    first = rows[0]
    assert (first.days_past_due, first.bucket, first.outstanding, first.overdue) == (
        46, "31-60", D("12000.00"), D("2000.00"))
    # its state on each date is the last event by then: applied 04-19, approved 04-26, disbursed 05-01
    assert {r.id: r.state for r in loan_rows(dt.date(2026, 4, 25))}[later.id] == "申请"
    on_27 = {r.id: r for r in loan_rows(dt.date(2026, 4, 27))}[later.id]
    assert (on_27.state, on_27.outstanding, on_27.days_past_due) == ("审批", 0, 0)
    assert {r.id: r.state for r in loan_rows(dt.date(2026, 5, 1))}[later.id] == "还款中"
    assert {r.id: r.state for r in rows}[applied.id] == "申请"
    assert [r.id for r in loan_rows(AS_OF, bucket="31-60")] == [late.id]
    assert [r.id for r in loan_rows(AS_OF, query="早点")] == [current.id]


# ------------------------------------------------------------ the demo town


def test_loan_figures_on_the_demo(demo_db):
    figures = loan_figures(TODAY)
    disbursed = list(Loan.select().where(Loan.disbursed.is_null(False) & (Loan.disbursed <= TODAY)))
    assert figures.count == len(disbursed)
    assert figures.disbursed == sum(loan.amount for loan in disbursed)
    assert figures.disbursed >= D("700000.00")
    assert figures.businesses_this_year == 182
    assert figures.reemployed >= 2000
    assert figures.overdue_count >= 1
    assert 0 < figures.par30 < 1
    assert figures.jobs_created > 0
    assert len(figures.monthly_this_year) == 12
    this_year = [loan.amount for loan in disbursed if loan.disbursed.year == TODAY.year]
    assert this_year
    assert sum(figures.monthly_this_year) == sum(this_year)
    for month, amount in enumerate(figures.monthly_this_year, start=1):
        assert amount == sum((loan.amount for loan in disbursed
                              if (loan.disbursed.year, loan.disbursed.month) == (TODAY.year, month)), D(0))

    rows = loan_rows(TODAY)
    repaying = [r for r in rows if r.state in REPAYING]
    assert figures.outstanding == sum(r.outstanding for r in repaying)
    assert figures.overdue_count == sum(1 for r in repaying if r.days_past_due > 0)
    assert figures.par30 == par([(r.outstanding, r.days_past_due) for r in repaying], 30)

    summary = town_summary(TODAY).to_json()
    loans = summary["loans"]
    assert loans["count"] == figures.count
    assert loans["disbursed_fen"] == int(figures.disbursed * 100) >= 70_000_000
    assert loans["outstanding_fen"] == int(figures.outstanding * 100) > 0
    assert loans["overdue_count"] == figures.overdue_count >= 1
    assert isinstance(loans["par30"], float) and 0 < loans["par30"] < 1
    assert loans["par30"] == float(figures.par30.quantize(D("0.0001")))
    assert loans["jobs_created"] == figures.jobs_created
    assert summary["businesses_this_year"] == 182
    assert summary["reemployed"] >= 2000


def test_loan_rows_and_filters_on_the_demo(demo_db):
    rows = loan_rows(TODAY)
    assert len(rows) == Loan.select().count()
    days = [r.days_past_due for r in rows]
    assert days == sorted(days, reverse=True)
    assert days[0] > 30

    # the report's three loans
    named = {r.borrower: r for r in rows if not r.sample}
    assert set(named) == {"刘文宪", "秦继雄", "柴如莲"}
    assert (named["刘文宪"].amount, named["刘文宪"].branch, named["刘文宪"].business) == (
        D("3000.00"), "居民六支部", "洗车行")
    assert named["秦继雄"].amount == D("50000.00")
    assert named["柴如莲"].amount == D("20000.00")

    for state in {r.state for r in rows}:
        filtered = loan_rows(TODAY, state=state)
        assert filtered and all(r.state == state for r in filtered)
        assert len(filtered) == sum(1 for r in rows if r.state == state)
    assert loan_rows(TODAY, state="核销") == []

    for bucket in ("current", "1-30", "61-90"):
        filtered = loan_rows(TODAY, bucket=bucket)
        assert [r.id for r in filtered] == [r.id for r in rows if r.bucket == bucket and r.state in REPAYING]
    assert loan_rows(TODAY, bucket="1-30")

    this_year = loan_rows(TODAY, year=TODAY.year)
    assert this_year and all(r.disbursed.year == TODAY.year for r in this_year)
    assert len(this_year) == sum(1 for r in rows if r.disbursed and r.disbursed.year == TODAY.year)
    assert len(this_year) < len(rows)

    sixth = Branch.get(Branch.name == "居民六支部")
    in_branch = loan_rows(TODAY, branch_id=sixth.id)
    assert in_branch and all(r.branch == "居民六支部" for r in in_branch)
    assert "刘文宪" in [r.borrower for r in in_branch]
    assert len(in_branch) == sum(1 for r in rows if r.branch == "居民六支部") < len(rows)

    assert [r.borrower for r in loan_rows(TODAY, query="lwx")] == ["刘文宪"]
    assert [r.borrower for r in loan_rows(TODAY, query="秦继雄")] == ["秦继雄"]
    assert [r.business for r in loan_rows(TODAY, query="洗车")] == ["洗车行"]
    combined = loan_rows(TODAY, state="还款中", year=TODAY.year, branch_id=sixth.id)
    assert all(r.state == "还款中" and r.disbursed.year == TODAY.year and r.branch == "居民六支部"
               for r in combined)
