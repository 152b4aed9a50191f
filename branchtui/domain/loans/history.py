"""A loan as it stood on a date, from its records alone: pure arithmetic,
standard library only.

- Its state on a date is the last state event on or before that date.
- A reversed repayment counts as never made, on every date (the reversal and
  the entry it cancels both drop out); the audit trail keeps what was known when.
- Its schedule on a date is the plan at disbursement changed, in date order,
  by what happened by then: an extension moves the installments not yet paid
  out by its months; a prepayment inserts itself as an installment (the
  prepaid principal with interest accrued from the last due date, actual
  days × annual rate / 360) and re-schedules what remains, keeping the
  installment and shortening the term (缩短期限) or keeping the term with
  smaller installments (减少月供). Every schedule sums to the principal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from branchtui.domain.loans.schedule import (Installment, _exact_rate, _fen_half_up, add_months,
                                             build_schedule)

ZERO = Decimal("0.00")
SHORTEN, REDUCE = "缩短期限", "减少月供"
PREPAY_CHOICES = (SHORTEN, REDUCE)
AMORTIZING = ("equal-installment", "equal-principal")
DISBURSED = "发放"
STATE_OF_KIND = {DISBURSED: "还款中"}  # every other state event is named after its state
STATE_KINDS = ("申请", "审批", DISBURSED, "展期", "结清", "代偿", "追偿", "核销", "撤销")
EXTENDED = "展期"


@dataclass(frozen=True)
class Terms:
    amount: Decimal
    annual_rate: Decimal
    months: int
    method: str
    start: dt.date  # disbursement


@dataclass(frozen=True)
class Event:
    date: dt.date
    kind: str
    months: int = 0
    amount: Decimal = ZERO
    id: int = 0


@dataclass(frozen=True)
class Entry:
    """A repayment row as written (a reversal has negative amounts and ``reverses``)."""

    id: int
    date: dt.date
    principal: Decimal
    interest: Decimal
    reverses: int | None = None
    prepay: str = ""  # 缩短期限 / 减少月供 on a prepayment


def state_on(events, day: dt.date) -> str | None:
    """The state the last state event on or before ``day`` left; None before the application."""
    state = None
    for event in sorted(events, key=lambda e: (e.date, e.id)):
        if event.date > day:
            break
        if event.kind in STATE_KINDS:
            state = STATE_OF_KIND.get(event.kind, event.kind)
    return state


def effective(entries) -> list[Entry]:
    """The repayments that count: reversals and the entries they cancel drop out."""
    cancelled = {e.reverses for e in entries if e.reverses is not None}
    return sorted((e for e in entries if e.reverses is None and e.id not in cancelled),
                  key=lambda e: (e.date, e.id))


_EPOCH = dt.date(2000, 1, 1)  # any start: the amounts do not depend on it (30/360)


@lru_cache(maxsize=4096)
def plan(principal: Decimal, rate: Decimal, months: int, method: str) -> tuple[Installment, ...]:
    """The amounts of a plan, shared by every loan with the same terms."""
    return tuple(build_schedule(principal, rate, months, method, _EPOCH))


def month_index(start: dt.date, due: dt.date) -> int:
    return (due.year - start.year) * 12 + due.month - start.month


@lru_cache(maxsize=65536)
def due_date(start: dt.date, months: int) -> dt.date:
    return add_months(start, months)


def _dated(rows, start: dt.date, months: list[int]) -> list[Installment]:
    return [Installment(r.number, due_date(start, m), r.principal, r.interest, r.payment, r.balance)
            for r, m in zip(rows, months)]


def base_schedule(terms: Terms) -> list[Installment]:
    rows = plan(terms.amount, terms.annual_rate, terms.months, terms.method)
    return _dated(rows, terms.start, [month_index(_EPOCH, r.due) for r in rows])


def _numbered(rows) -> list[Installment]:
    return [replace(r, number=k) for k, r in enumerate(rows, 1)]


def _paid_count(rows, paid_principal: Decimal, paid_interest: Decimal) -> int:
    """How many installments (from the first) the money paid covers in full."""
    due_p = due_i = ZERO
    for k, row in enumerate(rows):
        due_p += row.principal
        due_i += row.interest
        if paid_principal < due_p or paid_interest < due_i:
            return k
    return len(rows)


def _extend(terms: Terms, rows, day: dt.date, months: int, paid) -> list[Installment]:
    """Move the maturity out by ``months``; installments already paid keep their dates."""
    paid_p = sum((p.principal for p in paid), ZERO)
    paid_i = sum((p.interest for p in paid), ZERO)
    fixed = _paid_count(rows, paid_p, paid_i)
    rate = _exact_rate(terms.annual_rate)
    out = list(rows[:fixed])
    rest = rows[fixed:]
    if not rest:
        return out
    start = terms.start
    if terms.method in AMORTIZING:
        for row in rest:
            if row.due >= day:
                row = replace(row, due=due_date(start, month_index(start, row.due) + months))
            out.append(row)
        return out
    last = rest[-1]
    balance = last.principal
    if terms.method == "bullet":
        end = month_index(start, last.due) + months
        interest = _fen_half_up(Fraction(balance) * rate * end)
        return out + list(rest[:-1]) + [Installment(0, due_date(start, end), balance, interest,
                                                    balance + interest, ZERO)]
    # interest-monthly: the principal moves to the new last month, interest every month on the way
    end = month_index(start, last.due)
    interest = _fen_half_up(Fraction(balance) * rate)
    out += list(rest[:-1]) + [Installment(0, last.due, ZERO, interest, interest, balance)]
    for m in range(end + 1, end + months + 1):
        part = balance if m == end + months else ZERO
        out.append(Installment(0, due_date(start, m), part, interest, part + interest, balance - part))
    return out


def accrued_interest(balance: Decimal, annual_rate: Decimal, since: dt.date, day: dt.date) -> Decimal:
    """Interest on ``balance`` from ``since`` to ``day``: actual days × annual rate / 360."""
    days = max((day - since).days, 0)
    return _fen_half_up(Fraction(balance) * Fraction(annual_rate) / 100 * days / 360)


def prepayment_split(terms: Terms, rows, day: dt.date, paid_principal: Decimal):
    """For a payment on ``day`` after ``paid_principal`` had been repaid: (principal due by then
    and unpaid, the balance after the installments due by then, the last due date or the start)."""
    kept = [r for r in rows if r.due <= day]
    due_p = sum((r.principal for r in kept), ZERO)
    balance = sum((r.principal for r in rows), ZERO) - due_p
    return max(due_p - paid_principal, ZERO), balance, (kept[-1].due if kept else terms.start)


def _prepay(terms: Terms, rows, entry: Entry, paid_principal: Decimal) -> list[Installment]:
    day = entry.date
    overdue, balance, since = prepayment_split(terms, rows, day, paid_principal)
    extra = min(entry.principal - overdue, balance)
    if extra <= 0:
        return list(rows)
    kept = [r for r in rows if r.due <= day]
    rest = [r for r in rows if r.due > day]
    left = balance - extra
    interest = accrued_interest(extra, terms.annual_rate, since, day)
    own = Installment(0, day, extra, interest, extra + interest, left)
    return kept + [own] + reschedule(terms, left, rest, entry.prepay)


def reschedule(terms: Terms, balance: Decimal, rest, choice: str) -> list[Installment]:
    """What remains of ``balance`` over the dates of ``rest``: all of them (减少月供) or,
    for amortizing loans, as few as the same installment needs (缩短期限)."""
    if balance <= 0 or not rest:
        return []
    rate = _exact_rate(terms.annual_rate)
    start = terms.start
    dates = [month_index(start, r.due) for r in rest]
    if terms.method == "bullet":
        end = dates[-1]
        interest = _fen_half_up(Fraction(balance) * rate * end)
        return [Installment(0, due_date(start, end), balance, interest, balance + interest, ZERO)]
    if choice == SHORTEN and terms.method in AMORTIZING and len(rest) > 1:
        level = rest[0].payment if terms.method == "equal-installment" else rest[0].principal
        out, left = [], balance
        for m in dates:
            interest = _fen_half_up(Fraction(left) * rate)
            part = level - interest if terms.method == "equal-installment" else level
            if part <= 0:  # the kept installment no longer covers the interest: keep the term
                break
            if part >= left or m == dates[-1]:
                part = left
            left -= part
            out.append(Installment(0, due_date(start, m), part, interest, part + interest, left))
            if left == 0:
                return out
    rows = plan(balance, terms.annual_rate, len(dates), terms.method)
    return _dated(rows, start, dates)


def schedule_on(terms: Terms, events, entries, day: dt.date | None = None) -> list[Installment]:
    """The schedule as known on ``day`` (None: everything recorded), from the
    extension events and the effective repayments (see ``effective``)."""
    rows = base_schedule(terms)
    changes = [(e.date, 0, e.id, e) for e in events if e.kind == EXTENDED and e.months]
    changes += [(e.date, 1, e.id, e) for e in entries if e.prepay and e.principal > 0]
    if not changes:
        return rows
    changes.sort(key=lambda c: c[:3])
    paid = sorted(entries, key=lambda e: (e.date, e.id))
    for when, order, ident, change in changes:
        if day is not None and when > day:
            break
        if order == 0:
            rows = _extend(terms, rows, when, change.months, [p for p in paid if p.date <= when])
        else:
            before = sum((p.principal for p in paid if (p.date, p.id) < (when, ident)), ZERO)
            rows = _prepay(terms, rows, change, before)
    return _numbered(rows)
