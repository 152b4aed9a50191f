"""The loan book as of a date: each loan's arrears, and the portfolio's figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, fn

from branchtui.domain.loans.arrears import Payment, arrears, par
from branchtui.domain.loans.service import REPAYING, loan_schedule
from branchtui.domain.loans.subsidy import subsidy_lines
from branchtui.domain.parse import MAX_YEAR, MIN_YEAR, as_day, parse_int, record_id
from branchtui.domain.parse import clean_text as parse_text
from branchtui.domain.search import name_condition
from branchtui.store.fields import from_fen
from branchtui.store.models import Borrower, Branch, Business, Loan, Placement, Policy, Repayment

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LoanRow:
    id: int
    borrower: str
    branch: str
    business: str
    amount: Decimal
    disbursed: dt.date | None
    state: str
    outstanding: Decimal
    days_past_due: int
    bucket: str
    overdue: Decimal  # overdue principal and interest
    sample: bool


def _payments_by_loan(loan_ids) -> dict[int, list[Payment]]:
    out: dict[int, list[Payment]] = defaultdict(list)
    if not loan_ids:
        return out
    # Raw integer fen and no model instances: a district has ~120,000 rows.
    rows = (Repayment.select(Repayment.loan, Repayment.date, Repayment.principal.coerce(False),
                             Repayment.interest.coerce(False))
            .order_by(Repayment.date, Repayment.id))
    if len(loan_ids) < 500:
        rows = rows.where(Repayment.loan << list(loan_ids))
    fen = {}
    # The raw cursor: peewee's row processing would cost more than the query.
    for loan_id, day, principal, interest in Repayment._meta.database.execute(rows):
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        out[loan_id].append(Payment(day, fen.get(principal) or fen.setdefault(principal, from_fen(principal)),
                                    fen.get(interest) or fen.setdefault(interest, from_fen(interest))))
    return out


def _book():
    """Loans with their borrower's and branch's names, for rows and figures alike."""
    return (Loan.select(Loan, Borrower.name.alias("borrower_name"), Branch.name.alias("branch_name"))
            .join(Borrower, on=(Loan.borrower == Borrower.id))
            .switch(Loan).join(Branch, JOIN.LEFT_OUTER, on=(Loan.branch == Branch.id)))


def loan_rows(as_of: dt.date, *, query: str = "", state: str | None = None, bucket: str | None = None,
              branch_id: int | None = None, year: int | None = None) -> list[LoanRow]:
    """Every loan with its arrears on ``as_of``, the most overdue first."""
    as_of = as_day(as_of) or dt.date.today()
    year = parse_int(year, "year", "年度", MIN_YEAR, MAX_YEAR) if year else None
    state = parse_text(state, "state", "状态", 20) or None
    bucket = parse_text(bucket, "bucket", "逾期档次", 20) or None
    select = _book()
    condition = name_condition(Borrower, query, Loan.business)
    if condition is not None:
        select = select.where(condition)
    if state:
        select = select.where(Loan.state == state)
    if branch_id:
        select = select.where(Loan.branch == record_id(branch_id))
    if year:
        select = select.where((Loan.disbursed >= dt.date(year, 1, 1)) & (Loan.disbursed <= dt.date(year, 12, 31)))
    loans = list(select.objects())
    payments = _payments_by_loan({loan.id for loan in loans})
    return _rows(loans, payments, as_of, bucket)


def _rows(loans, payments, as_of: dt.date, bucket: str | None = None,
          schedules: dict | None = None) -> list[LoanRow]:
    rows = []
    for loan in loans:
        if loan.disbursed and loan.disbursed <= as_of:
            schedule = schedules[loan.id] if schedules is not None else loan_schedule(loan)
            a = arrears(schedule, [p for p in payments[loan.id] if p.date <= as_of], as_of)
            repaying = loan.state in REPAYING
            row = LoanRow(loan.id, loan.borrower_name, loan.branch_name or "", loan.business, loan.amount,
                          loan.disbursed, loan.state, a.outstanding_principal if repaying else ZERO,
                          a.days_past_due if repaying else 0, a.bucket if repaying else "current",
                          (a.overdue_principal + a.overdue_interest) if repaying else ZERO, loan.sample)
        else:
            row = LoanRow(loan.id, loan.borrower_name, loan.branch_name or "", loan.business, loan.amount,
                          loan.disbursed, loan.state, ZERO, 0, "current", ZERO, loan.sample)
        rows.append(row)
    if bucket:
        rows = [r for r in rows if r.bucket == bucket and r.state in REPAYING]
    rows.sort(key=lambda r: (-r.days_past_due, -(r.disbursed or dt.date.min).toordinal(), r.id))
    return rows


@dataclass(frozen=True)
class LoanFigures:
    as_of: dt.date
    count: int
    disbursed: Decimal  # 累计担保: every loan disbursed by as_of
    outstanding: Decimal
    overdue_count: int
    par30: Decimal
    jobs_created: int
    businesses_this_year: int
    reemployed: int
    monthly_this_year: list[Decimal] = field(default_factory=list)
    subsidy_this_year: Decimal = ZERO  # what the state owes in interest subsidy for this year

    def to_json(self) -> dict:
        return {
            "count": self.count,
            "disbursed_fen": int(self.disbursed * 100),
            "outstanding_fen": int(self.outstanding * 100),
            "overdue_count": self.overdue_count,
            "par30": float(self.par30.quantize(Decimal("0.0001"))),
            "jobs_created": self.jobs_created,
            "subsidy_this_year_fen": int(self.subsidy_this_year * 100),
        }


def _policies():
    return list(Policy.select().order_by(Policy.effective_from.desc(), Policy.id.desc()))


def _subsidy_percent(policies, day: dt.date) -> int:
    return next((p.subsidy_percent for p in policies if p.effective_from <= day), 0)


def loan_figures(as_of: dt.date) -> LoanFigures:
    as_of = as_day(as_of) or dt.date.today()
    loans = list(_book().where(Loan.disbursed.is_null(False) & (Loan.disbursed <= as_of)).objects())
    payments = _payments_by_loan({loan.id for loan in loans})
    schedules = {loan.id: loan_schedule(loan) for loan in loans}  # once, for arrears and subsidy both
    rows = _rows(loans, payments, as_of, schedules=schedules)
    policies = _policies()
    year_start = dt.date(as_of.year, 1, 1)
    subsidy = sum((line.subsidy for loan in loans
                   for line in subsidy_lines(loan, as_of, payments=payments[loan.id], schedule=schedules[loan.id],
                                             subsidy_percent=_subsidy_percent(policies, loan.applied))
                   if line.due >= year_start), ZERO)
    repaying = [r for r in rows if r.state in REPAYING]
    monthly = [ZERO] * 12
    for r in rows:
        if r.disbursed.year == as_of.year:
            monthly[r.disbursed.month - 1] += r.amount
    year_start = dt.date(as_of.year, 1, 1)
    businesses = (Business.select(fn.COUNT(Business.id))
                  .where((Business.registered >= year_start) & (Business.registered <= as_of)).scalar())
    jobs = (Business.select(fn.COALESCE(fn.SUM(Business.employees), 0))
            .where(Business.loan.is_null(False) & (Business.registered <= as_of)).scalar())
    placed = Placement.select(fn.COUNT(Placement.id)).where(Placement.date <= as_of).scalar()
    return LoanFigures(
        as_of=as_of, count=len(rows), disbursed=sum((r.amount for r in rows), ZERO),
        outstanding=sum((r.outstanding for r in repaying), ZERO),
        overdue_count=sum(1 for r in repaying if r.days_past_due > 0),
        par30=par([(r.outstanding, r.days_past_due) for r in repaying], 30),
        jobs_created=int(jobs or 0), businesses_this_year=int(businesses or 0), reemployed=int(placed or 0),
        monthly_this_year=monthly, subsidy_this_year=subsidy)
