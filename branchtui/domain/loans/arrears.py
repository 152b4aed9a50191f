"""Arrears (逾期) and portfolio at risk: pure arithmetic, standard library only.

What was paid is allocated to the schedule in due-date order: paid principal
to the installments' principal, paid interest to their interest. An
installment is fully paid when both its principal and its interest are
covered. Days past due count from the due date of the oldest installment not
fully paid (0 when it falls due today). Only payments dated on or before the
as-of date count; a reversal is a payment with negative amounts and simply
nets against what it cancels.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .schedule import Installment

__all__ = ["BUCKETS", "BUCKET_NAMES", "Payment", "Arrears", "bucket_of", "arrears", "par"]

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
BUCKET_NAMES = {
    "current": "正常",
    "1-30": "逾期1-30天",
    "31-60": "逾期31-60天",
    "61-90": "逾期61-90天",
    "90+": "逾期90天以上",
}

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Payment:
    date: datetime.date
    principal: Decimal  # may be negative: a reversal entry cancels an earlier mistaken one
    interest: Decimal


@dataclass(frozen=True)
class Arrears:
    as_of: datetime.date
    days_past_due: int
    bucket: str  # one of BUCKETS
    overdue_principal: Decimal  # principal due on or before as_of and not paid by then
    overdue_interest: Decimal
    outstanding_principal: Decimal  # P − principal paid by as_of
    paid_principal: Decimal
    paid_interest: Decimal
    oldest_unpaid_due: datetime.date | None  # oldest installment not fully paid (None when all paid)
    next_due: datetime.date | None  # first due date after as_of with something left to pay


def bucket_of(days_past_due: int) -> str:
    """0 → current, 1–30, 31–60, 61–90, over 90 → "90+"."""
    if days_past_due < 0:
        raise ValueError(f"days past due cannot be negative, got {days_past_due}")
    if days_past_due == 0:
        return "current"
    if days_past_due <= 30:
        return "1-30"
    if days_past_due <= 60:
        return "31-60"
    if days_past_due <= 90:
        return "61-90"
    return "90+"


def arrears(schedule: list[Installment], payments: list[Payment], as_of: datetime.date) -> Arrears:
    """The state of one loan as of ``as_of`` (inclusive)."""
    rows = sorted(schedule, key=lambda row: (row.due, row.number))
    counted = [p for p in payments if p.date <= as_of]
    paid_principal = sum((p.principal for p in counted), ZERO)
    paid_interest = sum((p.interest for p in counted), ZERO)
    total_principal = sum((row.principal for row in rows), ZERO)

    # Walk the schedule with running totals of what was due: an installment
    # is covered once the money paid reaches everything due up to it.
    due_principal = ZERO
    due_interest = ZERO
    owed_principal = ZERO  # due on or before as_of
    owed_interest = ZERO
    oldest_unpaid: datetime.date | None = None
    next_due: datetime.date | None = None
    for row in rows:
        due_principal += row.principal
        due_interest += row.interest
        if row.due <= as_of:
            owed_principal = due_principal
            owed_interest = due_interest
        settled = paid_principal >= due_principal and paid_interest >= due_interest
        if settled:
            continue
        if oldest_unpaid is None:
            oldest_unpaid = row.due
        if next_due is None and row.due > as_of:
            next_due = row.due

    days = (as_of - oldest_unpaid).days if oldest_unpaid is not None and oldest_unpaid < as_of else 0
    return Arrears(
        as_of=as_of,
        days_past_due=days,
        bucket=bucket_of(days),
        overdue_principal=max(owed_principal - paid_principal, ZERO),
        overdue_interest=max(owed_interest - paid_interest, ZERO),
        outstanding_principal=total_principal - paid_principal,
        paid_principal=paid_principal,
        paid_interest=paid_interest,
        oldest_unpaid_due=oldest_unpaid,
        next_due=next_due,
    )


def par(loans: Iterable[tuple[Decimal, int]], threshold_days: int = 30) -> Decimal:
    """Portfolio at risk: the share (0..1, unrounded) of outstanding principal
    in loans MORE than ``threshold_days`` past due.

    ``loans`` gives (outstanding principal, days past due) for each active
    loan. A loan over the line counts with its whole outstanding principal.
    Loans with nothing (or less than nothing) outstanding are left out of both
    sides. ``Decimal(0)`` when nothing is outstanding.
    """
    total = Decimal(0)
    at_risk = Decimal(0)
    for outstanding, days in loans:
        outstanding = Decimal(outstanding)
        if outstanding <= 0:
            continue
        total += outstanding
        if days > threshold_days:
            at_risk += outstanding
    if total == 0:
        return Decimal(0)
    return at_risk / total
