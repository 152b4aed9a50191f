"""The district generator at a small scale, and the bench harness importing.

No timing is asserted here (tests never assert on time): the data must be
consistent, and the bench's hand-written SQL must give the domain's figures.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from peewee import fn

TODAY = dt.date(2026, 11, 27)
SCALE = 0.01


@pytest.fixture
def district(db):
    from branchtui.demo_district import build_district

    calls = []
    result = build_district(TODAY, scale=SCALE, progress=lambda *call: calls.append(call))
    return result, calls


def test_counts_and_progress(district):
    from branchtui.store.models import Audit, Branch, Loan, Member, Repayment, Room

    result, calls = district
    assert result["branches"] == Branch.select().count() == 3
    assert result["members"] == Member.select().count() == 200
    assert result["loan"] == Loan.select().count() == 100
    assert result["repayment"] == Repayment.select().count() > 0
    assert Room.select().count() == 3
    assert calls and all(0 <= done <= total for _stage, done, total in calls)
    # One audit row for the whole import, not one per record.
    assert [(a.table, a.action) for a in Audit.select()] == [("import", "create")]
    # Every branch has its secretary, a member of that branch in good standing.
    for branch in Branch.select():
        assert branch.secretary.branch_id == branch.id and branch.secretary.status == "正常"


def test_people_have_valid_id_numbers(district):
    from branchtui.domain.idcard import parse_id_number
    from branchtui.domain.pinyin import search_keys
    from branchtui.store.models import Borrower, Member

    people = list(Member.select()) + list(Borrower.select())
    assert len({p.id_number for p in Member.select()}) == Member.select().count()
    for person in people:
        info = parse_id_number(person.id_number)
        assert (info.birth_date, info.gender) == (person.birth_date, person.gender)
        assert (person.name_pinyin, person.name_initials) == search_keys(person.name)


def test_summary_counts_match_plain_counts(district):
    from branchtui.domain.summary import town_summary
    from branchtui.store.models import Branch, Business, Loan, Member, Placement, Room

    summary = town_summary(TODAY)
    good = Member.select().where((Member.status == "正常") & (Member.join_date <= TODAY))
    full = good.where(Member.full_date.is_null(False) & (Member.full_date <= TODAY))
    assert len(summary.branches) == Branch.select().count()
    assert summary.members == good.count()
    assert summary.full == full.count()
    assert summary.probationary == good.count() - full.count()
    assert summary.rooms == Room.select().count()
    assert summary.rooms_meeting_standard + len(summary.missing_items) == summary.rooms
    disbursed = Loan.select().where(Loan.disbursed.is_null(False) & (Loan.disbursed <= TODAY))
    assert summary.loans.count == disbursed.count()
    assert summary.loans.reemployed == Placement.select().where(Placement.date <= TODAY).count()
    year = Business.select().where((Business.registered >= dt.date(TODAY.year, 1, 1))
                                   & (Business.registered <= TODAY))
    assert summary.loans.businesses_this_year == year.count()


def test_loan_figures(district):
    from branchtui.domain.loans.portfolio import loan_figures
    from branchtui.domain.loans.service import REPAYING
    from branchtui.store.models import Loan, Repayment

    figures = loan_figures(TODAY)
    disbursed = list(Loan.select().where(Loan.disbursed.is_null(False)))
    assert figures.count == len(disbursed)
    assert figures.disbursed == sum(loan.amount for loan in disbursed)
    paid = {row[0]: row[1] for row in Repayment.select(Repayment.loan, fn.SUM(Repayment.principal).coerce(False))
            .group_by(Repayment.loan).tuples()}
    outstanding = sum(loan.amount * 100 - paid.get(loan.id, 0) for loan in disbursed if loan.state in REPAYING)
    assert figures.outstanding * 100 == outstanding
    assert 0 < figures.overdue_count < len(disbursed)  # some loans stopped paying
    assert 0 <= figures.par30 <= 1


def test_every_repayment_belongs_to_a_disbursed_loan(district):
    from branchtui.domain.loans.service import loan_schedule
    from branchtui.store.models import Loan, Repayment

    strays = (Repayment.select().join(Loan)
              .where(Loan.disbursed.is_null() | (Repayment.date < Loan.disbursed) | (Repayment.date > TODAY)))
    assert strays.count() == 0
    for loan in Loan.select().where(Loan.disbursed.is_null(False)):
        due = {(row.due, row.principal, row.interest) for row in loan_schedule(loan)}
        for r in Repayment.select().where(Repayment.loan == loan.id):
            assert (r.date, r.principal, r.interest) in due  # one installment, exactly, on its day
        if loan.state == "结清":
            assert Repayment.select().where(Repayment.loan == loan.id).count() == len(due)


def test_refuses_a_database_with_data(district):
    from branchtui.demo_district import build_district

    with pytest.raises(ValueError):
        build_district(TODAY, scale=SCALE)


def test_bench_imports_and_its_sql_agrees(district, db_path):
    for name in ("bench", "bench.data", "bench.paint", "bench.queries", "bench.__main__"):
        importlib.import_module(name)
    from bench import queries

    conn = queries.connect(db_path)
    try:
        differ, _unchecked = queries.compare_summary(queries.domain_summary(TODAY),
                                                     queries.sql_summary(conn, TODAY),
                                                     queries.domain_monthly(TODAY))
        assert differ == []
        assert queries.sql_search(conn, "z") == queries.domain_search("z")
    finally:
        conn.close()
