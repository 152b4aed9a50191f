"""Random loans with random repayments, late payments, prepayments and
reversals, written through the domain; on every date the book's figures
must equal a slow recomputation straight from the rows written (events,
schedule, repayments minus the reversed ones), and every schedule must sum
to its principal."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TODAY

D = Decimal
ZERO = D("0.00")
REPAYING = ("还款中", "展期")
STATE_OF = {"发放": "还款中"}


def _slow_state(events, day):
    """The state the last event by ``day`` left (events ordered as written)."""
    state = None
    for e in sorted(events, key=lambda e: (e.date, e.id)):
        if e.date <= day and e.kind in ("申请", "审批", "发放", "展期", "结清", "代偿", "追偿", "核销", "撤销"):
            state = STATE_OF.get(e.kind, e.kind)
    return state


def _slow_paid(rows, day):
    """Repayments made by ``day`` minus every entry that was ever reversed (and the reversals)."""
    reversed_ids = {r.reverses_id for r in rows if r.reverses_id is not None}
    kept = [r for r in rows if r.reverses_id is None and r.id not in reversed_ids and r.date <= day]
    return sum((r.principal for r in kept), ZERO), sum((r.interest for r in kept), ZERO)


def _slow_days_past_due(schedule, paid_p, paid_i, day):
    """Days since the due date of the first installment (before ``day``) that the
    money paid does not cover together with every installment before it."""
    for k, row in enumerate(schedule):
        need_p = sum((r.principal for r in schedule[:k + 1]), ZERO)
        need_i = sum((r.interest for r in schedule[:k + 1]), ZERO)
        if paid_p < need_p or paid_i < need_i:
            return (day - row.due).days if row.due < day else 0
    return 0


def _world(path):
    from branchtui.domain.branches import create_branch
    from branchtui.domain.idcard import make_id_number
    from branchtui.domain.loans.borrowers import save_borrower
    from branchtui.domain.loans.policy import save_policy
    from branchtui.store.db import open_database

    db = open_database(path)
    branch = create_branch({"name": "居民六支部"}, today=TODAY)
    save_policy({"effective_from": dt.date(2020, 1, 1), "name": "下岗失业人员小额担保贷款",
                 "ceiling_person": 50000, "ceiling_partnership": 150000, "max_term_months": 24,
                 "max_extension_months": 12})
    borrower = save_borrower({"name": "柴如莲", "id_number": make_id_number("410403", dt.date(1971, 3, 8), 22),
                              "branch": branch.id}, today=TODAY)
    return db, borrower


def _live(rng: random.Random, loan_id: int, disbursed: dt.date) -> None:
    """A borrower's life on one loan: mostly on time, sometimes late, prepaying, or a clerk's
    mistake reversed; refusals (a settled loan, a reversal of a reversal…) leave nothing."""
    from branchtui.domain.errors import DomainError
    from branchtui.domain.loans.repayments import due_on, record_repayment, reverse_repayment
    from branchtui.domain.loans.service import extend, get_loan
    from branchtui.store.models import Repayment

    day = disbursed
    while True:
        day += dt.timedelta(days=rng.randint(10, 45))
        if day > TODAY:
            return
        loan = get_loan(loan_id)
        if loan.state not in REPAYING:
            return
        due = due_on(loan, day)
        action = rng.random()
        try:
            if action < 0.55 and (due.principal or due.interest):
                record_repayment(loan_id, {"date": day, "principal": due.principal, "interest": due.interest},
                                 today=TODAY)
            elif action < 0.7 and due.balance > 0:
                extra = min(due.balance, D(rng.randint(1, 8) * 500))
                if rng.random() < 0.25:
                    extra = due.balance  # early settlement
                from branchtui.domain.loans.history import accrued_interest

                interest = due.interest + accrued_interest(extra, loan.annual_rate, due.since, day)
                choice = rng.choice(("缩短期限", "减少月供")) if loan.method in (
                    "equal-installment", "equal-principal") else "减少月供"
                record_repayment(loan_id, {"date": day, "principal": due.principal + extra, "interest": interest,
                                           "prepayment": choice}, today=TODAY)
            elif action < 0.82:
                written = list(Repayment.select().where((Repayment.loan == loan_id) & Repayment.reverses.is_null()))
                if written:
                    target = rng.choice(written)
                    reverse_repayment(target.id, {"date": max(day, target.date), "note": "录入错误"}, today=TODAY)
            elif action < 0.86 and not loan.extension_months:
                extend(loan_id, {"date": day, "months": rng.randint(1, 12), "note": "经营困难"}, today=TODAY)
            # else: the borrower pays nothing this time
        except DomainError:
            pass


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_figures_on_every_date_equal_a_slow_recomputation(seed, count):
    from branchtui.domain.loans.portfolio import loan_figures, loan_rows
    from branchtui.domain.loans.service import create_loan, get_loan, loan_schedule
    from branchtui.store.models import Loan, LoanEvent, Repayment

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        db, borrower = _world(Path(tmp) / "loans.db")
        try:
            for _ in range(count):
                disbursed = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 540))
                loan = create_loan({
                    "borrower": borrower.id, "amount": rng.choice(("5000", "12000", "20000", "33333.33")),
                    "annual_rate": rng.choice(("0", "4.35", "5.31", "7.2")), "months": rng.choice((6, 12, 18, 24)),
                    "method": rng.choice(("equal-installment", "equal-principal", "interest-monthly", "bullet")),
                    "applied": disbursed - dt.timedelta(days=9), "approved": disbursed - dt.timedelta(days=3),
                    "disbursed": disbursed}, today=TODAY)
                _live(rng, loan.id, disbursed)

            loans = list(Loan.select())
            days = sorted({dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(0, 700, 23)}
                          | {r.date for r in Repayment.select()} | {e.date for e in LoanEvent.select()}
                          | {r.date - dt.timedelta(days=1) for r in Repayment.select()})
            for day in days:
                if day > TODAY:
                    continue
                expected_outstanding, expected_overdue, at_risk = ZERO, 0, ZERO
                rows = {r.id: r for r in loan_rows(day)}
                for loan in loans:
                    events = list(LoanEvent.select().where(LoanEvent.loan == loan.id))
                    written = list(Repayment.select().where(Repayment.loan == loan.id))
                    state = _slow_state(events, day)
                    if state is None:
                        assert loan.id not in rows
                        continue
                    schedule = loan_schedule(get_loan(loan.id), day)
                    assert sum((r.principal for r in schedule), ZERO) == loan.amount
                    assert all(r.principal >= 0 and r.interest >= 0 for r in schedule)
                    assert [r.due for r in schedule] == sorted(r.due for r in schedule)
                    row = rows[loan.id]
                    assert row.state == state, (loan.id, day)
                    if state in REPAYING and loan.disbursed <= day:
                        paid_p, paid_i = _slow_paid(written, day)
                        outstanding = loan.amount - paid_p
                        dpd = _slow_days_past_due(schedule, paid_p, paid_i, day)
                    else:
                        outstanding, dpd = ZERO, 0
                    assert (row.outstanding, row.days_past_due) == (outstanding, dpd), (loan.id, day)
                    expected_outstanding += outstanding
                    expected_overdue += dpd > 0
                    at_risk += outstanding if dpd > 30 else ZERO
                figures = loan_figures(day)
                assert figures.outstanding == expected_outstanding, day
                assert figures.overdue_count == expected_overdue, day
                assert figures.par30 == (at_risk / expected_outstanding if expected_outstanding else 0), day
        finally:
            db.close()
