"""Repayment schedules (还款计划): pure arithmetic, standard library only.

Rules (``reference/loans.md``); every rounded amount is computed exactly
(``fractions.Fraction``) and rounded once:

- every posted amount (each period's interest, each payment) is rounded to the
  fen with ``ROUND_HALF_UP`` (四舍五入);
- monthly rate = annual rate / 12 (30/360), kept at full precision;
- 等额本息: A = P·r·(1+r)^n / ((1+r)^n − 1) (P/n when r = 0), rounded to the
  nearest fen, half up, as banks' calculators and Fineract do (200,000.00 at
  5.88 % for 120 months: 2,208.38); interest Iₖ = round(Bₖ₋₁·r),
  principal = A − Iₖ; the last installment pays the whole remaining balance
  plus its interest (so it may be a little smaller or larger than A);
- 等额本金: p = round(P/n), the last principal P − (n−1)·p, interest on the
  balance each period;
- 按月付息到期还本: interest round(P·r) every month, the principal in the last;
- 到期一次还本付息: one installment at month n, interest round(P·r·n);
- installment k falls due ``add_months(start, k)``.

Two guards keep the invariants (principal parts add up to P, no negative
balance or principal) for degenerate loans (a few yuan over many months, or a
very high rate over a very long term); they never act on loans of the
programme's size and term: a principal part is clamped to [0, balance before it] (an annuity whose
rounded payment is smaller than the period's interest pays the interest
only that month; an equal-principal part larger than what is left pays what
is left). The last installment always takes the remainder.
"""

from __future__ import annotations

import calendar
import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction

__all__ = [
    "METHODS",
    "METHOD_NAMES",
    "Installment",
    "add_months",
    "monthly_rate",
    "annuity_payment",
    "build_schedule",
    "totals",
]

METHODS = ("equal-installment", "equal-principal", "interest-monthly", "bullet")
METHOD_NAMES = {
    "equal-installment": "等额本息",
    "equal-principal": "等额本金",
    "interest-monthly": "按月付息到期还本",
    "bullet": "到期一次还本付息",
}

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_MONTHS = 600
MAX_RATE = Decimal(100)
_PREC = 40


@dataclass(frozen=True)
class Installment:
    number: int  # 1..n
    due: datetime.date
    principal: Decimal  # quantized to 0.01
    interest: Decimal
    payment: Decimal  # principal + interest
    balance: Decimal  # principal still owed after this installment


def _fen_half_up(amount: Fraction) -> Decimal:
    """An exact non-negative amount to the fen, half up (四舍五入)."""
    return Decimal(math.floor(amount * 100 + Fraction(1, 2))).scaleb(-2)



def add_months(start: datetime.date, months: int) -> datetime.date:
    """``start`` moved by whole months, keeping its day of month.

    The day is clamped to the target month's last day and always computed
    from ``start`` (never from the previous due date), so nothing drifts:
    31 Jan + 1 → 28/29 Feb, + 2 → 31 Mar, + 3 → 30 Apr.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def _decimal(value, name: str) -> Decimal:
    if isinstance(value, float) or isinstance(value, bool):
        raise ValueError(f"{name} must be a Decimal, not {type(value).__name__}")
    try:
        result = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"{name} is not a finite number: {value!r}")
    return result


def _rate(annual_rate_percent) -> Decimal:
    rate = _decimal(annual_rate_percent, "annual_rate_percent")
    if rate < 0 or rate > MAX_RATE:
        raise ValueError(f"annual rate must be within 0..100 %, got {rate}")
    return rate


def monthly_rate(annual_rate_percent: Decimal) -> Decimal:
    """Percent a year to a fraction a month (30/360): 5.31 → 0.0531/12."""
    rate = _rate(annual_rate_percent)
    with localcontext() as ctx:
        ctx.prec = _PREC
        return rate / Decimal(1200)


def _principal(principal) -> Decimal:
    amount = _decimal(principal, "principal")
    if amount <= 0:
        raise ValueError(f"principal must be positive, got {amount}")
    if amount != amount.quantize(FEN, rounding=ROUND_HALF_UP):
        raise ValueError(f"principal must be a whole number of fen, got {amount}")
    return amount.quantize(FEN)


def _months(months) -> int:
    if isinstance(months, bool) or not isinstance(months, int):
        raise ValueError(f"months must be an int, got {months!r}")
    if months < 1 or months > MAX_MONTHS:
        raise ValueError(f"months must be within 1..{MAX_MONTHS}, got {months}")
    return months


def _exact_rate(annual_rate_percent) -> Fraction:
    """The monthly rate as an exact fraction (a rate such as 1 % / 12 does not
    terminate in decimal; rounding it would move amounts that fall exactly on
    half a fen)."""
    return Fraction(_rate(annual_rate_percent)) / 1200


def _annuity(principal: Decimal, rate: Fraction, months: int) -> Decimal:
    """A, computed exactly, rounded to the nearest fen (half up)."""
    amount = Fraction(principal)
    if rate == 0:
        return _fen_half_up(amount / months)
    growth = (1 + rate) ** months
    return _fen_half_up(amount * rate * growth / (growth - 1))


def annuity_payment(principal: Decimal, annual_rate_percent: Decimal, months: int) -> Decimal:
    """The 等额本息 monthly payment A, rounded half up to the fen."""
    return _annuity(_principal(principal), _exact_rate(annual_rate_percent), _months(months))


def build_schedule(
    principal: Decimal,
    annual_rate_percent: Decimal,
    months: int,
    method: str,
    start: datetime.date,
) -> list[Installment]:
    """Every installment of a loan of ``principal`` disbursed on ``start``.

    Raises ``ValueError`` on input the domain layer should have refused:
    principal <= 0 or not whole fen, months outside 1..600, rate outside
    0..100 %, unknown method.
    """
    amount = _principal(principal)
    rate = _exact_rate(annual_rate_percent)
    n = _months(months)
    if method not in METHODS:
        raise ValueError(f"unknown repayment method {method!r}; one of {', '.join(METHODS)}")
    if not isinstance(start, datetime.date):
        raise ValueError(f"start must be a date, got {start!r}")

    if method == "bullet":
        interest = _fen_half_up(Fraction(amount) * rate * n)
        return [Installment(1, add_months(start, n), amount, interest, amount + interest, ZERO)]

    if method == "equal-installment":
        level = _annuity(amount, rate, n)

        def principal_part(balance: Decimal, interest: Decimal) -> Decimal:
            return level - interest

    elif method == "equal-principal":
        level = _fen_half_up(Fraction(amount) / n)

        def principal_part(balance: Decimal, interest: Decimal) -> Decimal:
            return level

    else:  # interest-monthly

        def principal_part(balance: Decimal, interest: Decimal) -> Decimal:
            return ZERO

    rows: list[Installment] = []
    balance = amount
    for k in range(1, n + 1):
        interest = _fen_half_up(Fraction(balance) * rate)
        if k == n:
            part = balance
        else:
            part = min(max(principal_part(balance, interest), ZERO), balance)
        balance = balance - part
        rows.append(
            Installment(
                number=k,
                due=add_months(start, k),
                principal=part.quantize(FEN),
                interest=interest,
                payment=(part + interest).quantize(FEN),
                balance=balance.quantize(FEN),
            )
        )
    return rows


def totals(schedule: list[Installment]) -> tuple[Decimal, Decimal, Decimal]:
    """(principal, interest, payment) summed over ``schedule``."""
    principal = sum((row.principal for row in schedule), ZERO)
    interest = sum((row.interest for row in schedule), ZERO)
    payment = sum((row.payment for row in schedule), ZERO)
    return principal, interest, payment
