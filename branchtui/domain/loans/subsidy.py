"""财政贴息: the share of interest the state pays, per loan and installment.

None for an installment that was overdue (not fully paid by its due date)
or that falls due during an extension. Claims are listed per quarter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from branchtui.domain.loans.arrears import Payment
from branchtui.domain.loans.policy import policy_on
from branchtui.domain.loans.repayments import payments_of
from branchtui.domain.loans.schedule import add_months
from branchtui.domain.loans.service import loan_schedule
from branchtui.store.models import Loan

FEN = Decimal("0.01")


@dataclass(frozen=True)
class SubsidyLine:
    number: int
    due: dt.date
    interest: Decimal
    subsidy: Decimal
    reason: str  # why none: "" when granted


def subsidy_lines(loan: Loan, as_of: dt.date, *, payments: list[Payment] | None = None,
                  subsidy_percent: int | None = None, schedule=None) -> list[SubsidyLine]:
    """Per installment due by ``as_of``; callers holding the payments and the
    policy pass them in, so that a whole book costs no query per loan."""
    if not loan.disbursed:
        return []
    if subsidy_percent is None:
        subsidy_percent = policy_on(loan.applied).subsidy_percent
    share = Decimal(subsidy_percent) / 100
    schedule = loan_schedule(loan, as_of) if schedule is None else schedule
    payments = payments_of(loan.id) if payments is None else payments  # reversed ones never count
    original_maturity = add_months(loan.disbursed, loan.months)
    lines = []
    ordered = sorted(payments, key=lambda p: p.date)
    paid_p = paid_i = due_p = due_i = Decimal(0)
    index = 0
    for row in schedule:
        if row.due > as_of:
            break
        due_p += row.principal
        due_i += row.interest
        # What had been paid by this installment's due date (one pass, not one
        # arrears computation per installment).
        while index < len(ordered) and ordered[index].date <= row.due:
            paid_p += ordered[index].principal
            paid_i += ordered[index].interest
            index += 1
        if row.due > original_maturity:  # only an extension known by as_of puts one there
            lines.append(SubsidyLine(row.number, row.due, row.interest, Decimal("0.00"), "展期"))
            continue
        late = paid_p < due_p or paid_i < due_i
        if late:
            lines.append(SubsidyLine(row.number, row.due, row.interest, Decimal("0.00"), "逾期"))
        else:
            lines.append(SubsidyLine(row.number, row.due, row.interest,
                                     (row.interest * share).quantize(FEN, rounding=ROUND_HALF_UP), ""))
    return lines


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def claims_by_quarter(loans: list[Loan] | None, as_of: dt.date) -> dict[str, Decimal]:
    """The subsidy to claim from the finance office, per quarter of the due date,
    as the records stood on ``as_of`` (None: every loan disbursed by then)."""
    if loans is None:
        loans = list(Loan.select().where(Loan.disbursed.is_null(False) & (Loan.disbursed <= as_of)))
    out: dict[str, Decimal] = {}
    for loan in loans:
        for line in subsidy_lines(loan, as_of):
            if line.subsidy:
                key = quarter_of(line.due)
                out[key] = out.get(key, Decimal("0.00")) + line.subsidy
    return dict(sorted(out.items()))
