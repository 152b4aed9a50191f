"""The loan book as of a date: each loan's arrears, and the portfolio's figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, fn

from branchtui.domain.loans.arrears import arrears, par
from branchtui.domain.loans.history import Entry, Event, effective, state_on
from branchtui.domain.loans.service import REPAYING, loan_schedule
from branchtui.domain.loans.subsidy import subsidy_lines
from branchtui.domain.parse import MAX_YEAR, MIN_YEAR, as_day, parse_int, record_id
from branchtui.domain.parse import clean_text as parse_text
from branchtui.domain.search import name_condition
from branchtui.store.fields import from_fen
from branchtui.store.models import Borrower, Branch, Business, Loan, LoanEvent, Placement, Policy, Repayment

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


def _entries_by_loan(loan_ids) -> dict[int, list[Entry]]:
    """Every repayment row per loan as written, reversals included."""
    out: dict[int, list[Entry]] = defaultdict(list)
    if not loan_ids:
        return out
    # Raw integer fen and no model instances: a district has ~120,000 rows.
    rows = (Repayment.select(Repayment.loan, Repayment.id, Repayment.date, Repayment.principal.coerce(False),
                             Repayment.interest.coerce(False), Repayment.reverses, Repayment.prepay)
            .order_by(Repayment.date, Repayment.id))
    if len(loan_ids) < 500:
        rows = rows.where(Repayment.loan << list(loan_ids))
    fen = {}
    # The raw cursor: peewee's row processing would cost more than the query.
    for loan_id, ident, day, principal, interest, reverses, prepay in Repayment._meta.database.execute(rows):
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        out[loan_id].append(Entry(ident, day, fen.get(principal) or fen.setdefault(principal, from_fen(principal)),
                                  fen.get(interest) or fen.setdefault(interest, from_fen(interest)),
                                  reverses, prepay or ""))
    return out


def _events_by_loan(loan_ids) -> dict[int, list[Event]]:
    out: dict[int, list[Event]] = defaultdict(list)
    if not loan_ids:
        return out
    rows = (LoanEvent.select(LoanEvent.loan, LoanEvent.id, LoanEvent.date, LoanEvent.kind, LoanEvent.months,
                             LoanEvent.amount.coerce(False))
            .order_by(LoanEvent.date, LoanEvent.id))
    if len(loan_ids) < 500:
        rows = rows.where(LoanEvent.loan << list(loan_ids))
    for loan_id, ident, day, kind, months, amount in LoanEvent._meta.database.execute(rows):
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        out[loan_id].append(Event(day, kind, months or 0, from_fen(amount or 0), ident))
    return out


def _book():
    """Loans with their borrower's and branch's names, for rows and figures alike."""
    return (Loan.select(Loan, Borrower.name.alias("borrower_name"), Branch.name.alias("branch_name"))
            .join(Borrower, on=(Loan.borrower == Borrower.id))
            .switch(Loan).join(Branch, JOIN.LEFT_OUTER, on=(Loan.branch == Branch.id)))


def loan_rows(as_of: dt.date, *, query: str = "", state: str | None = None, bucket: str | None = None,
              branch_id: int | None = None, year: int | None = None) -> list[LoanRow]:
    """Every loan applied for by ``as_of``, in its state and with its arrears
    on that date, the most overdue first."""
    as_of = as_day(as_of) or dt.date.today()
    year = parse_int(year, "year", "年度", MIN_YEAR, MAX_YEAR) if year else None
    state = parse_text(state, "state", "状态", 20) or None
    bucket = parse_text(bucket, "bucket", "逾期档次", 20) or None
    select = _book().where(Loan.applied <= as_of)
    condition = name_condition(Borrower, query, Loan.business)
    if condition is not None:
        select = select.where(condition)
    if branch_id:
        select = select.where(Loan.branch == record_id(branch_id))
    if year:
        select = select.where((Loan.disbursed >= dt.date(year, 1, 1)) & (Loan.disbursed <= dt.date(year, 12, 31)))
    loans = list(select.objects())
    ids = {loan.id for loan in loans}
    rows = _rows(loans, _entries_by_loan(ids), _events_by_loan(ids), as_of, bucket)
    return [r for r in rows if r.state == state] if state else rows


@dataclass(frozen=True)
class _Known:
    """One loan as its records stood on a date."""

    state: str
    schedule: list
    paid: list  # effective repayments dated on or before the date


def _known(loan, entries, events, as_of: dt.date) -> _Known:
    state = state_on(events, as_of) or loan.state
    if not (loan.disbursed and loan.disbursed <= as_of):
        return _Known(state, [], [])
    schedule = loan_schedule(loan, as_of, events=events, entries=entries)
    return _Known(state, schedule, [p for p in effective(entries) if p.date <= as_of])


def _rows(loans, entries, events, as_of: dt.date, bucket: str | None = None, known: dict | None = None) -> list[LoanRow]:
    rows = []
    for loan in loans:
        k = known[loan.id] if known is not None else _known(loan, entries[loan.id], events[loan.id], as_of)
        if k.schedule and k.state in REPAYING:
            a = arrears(k.schedule, k.paid, as_of)
            row = LoanRow(loan.id, loan.borrower_name, loan.branch_name or "", loan.business, loan.amount,
                          loan.disbursed, k.state, a.outstanding_principal, a.days_past_due, a.bucket,
                          a.overdue_principal + a.overdue_interest, loan.sample)
        else:
            row = LoanRow(loan.id, loan.borrower_name, loan.branch_name or "", loan.business, loan.amount,
                          loan.disbursed, k.state, ZERO, 0, "current", ZERO, loan.sample)
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
    guarantee_unrecovered: Decimal = ZERO  # paid out by the guarantee fund, not recovered nor written off

    def to_json(self) -> dict:
        return {
            "count": self.count,
            "disbursed_fen": int(self.disbursed * 100),
            "outstanding_fen": int(self.outstanding * 100),
            "overdue_count": self.overdue_count,
            "par30": float(self.par30.quantize(Decimal("0.0001"))),
            "jobs_created": self.jobs_created,
            "subsidy_this_year_fen": int(self.subsidy_this_year * 100),
            "guarantee_unrecovered_fen": int(self.guarantee_unrecovered * 100),
        }


def _policies():
    return list(Policy.select().order_by(Policy.effective_from.desc(), Policy.id.desc()))


def _subsidy_percent(policies, day: dt.date) -> int:
    return next((p.subsidy_percent for p in policies if p.effective_from <= day), 0)


def loan_figures(as_of: dt.date) -> LoanFigures:
    """The book as it stood on ``as_of``: each loan in its state on that date,
    its schedule as known then, the repayments made by then (reversed ones never)."""
    as_of = as_day(as_of) or dt.date.today()
    loans = list(_book().where(Loan.disbursed.is_null(False) & (Loan.disbursed <= as_of)).objects())
    ids = {loan.id for loan in loans}
    entries, events = _entries_by_loan(ids), _events_by_loan(ids)
    known = {loan.id: _known(loan, entries[loan.id], events[loan.id], as_of) for loan in loans}
    rows = _rows(loans, entries, events, as_of, known=known)
    policies = _policies()
    year_start = dt.date(as_of.year, 1, 1)
    subsidy = sum((line.subsidy for loan in loans
                   for line in subsidy_lines(loan, as_of, payments=known[loan.id].paid,
                                             schedule=known[loan.id].schedule,
                                             subsidy_percent=_subsidy_percent(policies, loan.applied))
                   if line.due >= year_start), ZERO)
    unrecovered = sum((e.amount if e.kind == "代偿" else -e.amount
                       for loan in loans for e in events[loan.id]
                       if e.date <= as_of and e.kind in ("代偿", "追偿", "核销")), ZERO)
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
        monthly_this_year=monthly, subsidy_this_year=subsidy, guarantee_unrecovered=unrecovered)
