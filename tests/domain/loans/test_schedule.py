"""Repayment schedules against the reference cases of loans.md and invariants."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from branchtui.domain.loans import schedule as schedule_module
from branchtui.domain.loans.schedule import (
    METHOD_NAMES,
    METHODS,
    Installment,
    add_months,
    annuity_payment,
    build_schedule,
    monthly_rate,
    totals,
)

D = Decimal
START = dt.date(2024, 1, 15)
FEN = D("0.01")


def rows_of(schedule):
    return [(r.principal, r.interest, r.payment, r.balance) for r in schedule]


# ------------------------------------------------------------ reference cases


def test_case1_annuity_matches_reference_row_by_row():
    schedule = build_schedule(D("100.00"), D("9.4822"), 6, "equal-installment", START)
    expected = [
        (D("16.34"), D("0.79"), D("17.13"), D("83.66")),
        (D("16.47"), D("0.66"), D("17.13"), D("67.19")),
        (D("16.60"), D("0.53"), D("17.13"), D("50.59")),
        (D("16.73"), D("0.40"), D("17.13"), D("33.86")),
        (D("16.86"), D("0.27"), D("17.13"), D("17.00")),
        (D("17.00"), D("0.13"), D("17.13"), D("0.00")),
    ]
    assert rows_of(schedule) == expected
    assert [r.number for r in schedule] == [1, 2, 3, 4, 5, 6]
    assert totals(schedule) == (D("100.00"), D("2.78"), D("102.78"))
    assert annuity_payment(D("100.00"), D("9.4822"), 6) == D("17.13")


def test_case2_equal_principal():
    schedule = build_schedule(D("5000.00"), D("12"), 18, "equal-principal", START)
    assert len(schedule) == 18
    assert [r.principal for r in schedule[:17]] == [D("277.78")] * 17
    assert schedule[17].principal == D("277.74")
    assert [r.interest for r in schedule[:4]] == [D("50.00"), D("47.22"), D("44.44"), D("41.67")]
    assert [r.interest for r in schedule[-2:]] == [D("5.56"), D("2.78")]
    principal, interest, payment = totals(schedule)
    assert (principal, interest, payment) == (D("5000.00"), D("475.00"), D("5475.00"))
    assert schedule[0].payment == D("327.78")
    assert schedule[0].balance == D("4722.22")
    assert schedule[-1].balance == D("0.00")


def test_case3_interest_monthly():
    schedule = build_schedule(D("3000.00"), D("5.31"), 24, "interest-monthly", START)
    assert len(schedule) == 24
    assert all(r.interest == D("13.28") for r in schedule)
    assert all(r.payment == D("13.28") and r.principal == 0 for r in schedule[:23])
    assert all(r.balance == D("3000.00") for r in schedule[:23])
    assert schedule[-1].payment == D("3013.28")
    assert schedule[-1].principal == D("3000.00")
    assert schedule[-1].balance == 0


def test_bullet_one_installment_at_maturity():
    schedule = build_schedule(D("3000.00"), D("5.31"), 24, "bullet", dt.date(2024, 1, 31))
    assert schedule == [
        Installment(1, dt.date(2026, 1, 31), D("3000.00"), D("318.60"), D("3318.60"), D("0.00"))
    ]


def test_bullet_interest_rounds_half_up():
    # 1000 × 0.0015/12 × 10... choose P·r·n = 0.125 exactly: 25.00 at 0.5 %/month × 1
    schedule = build_schedule(D("25.00"), D("6"), 1, "bullet", START)
    assert schedule[0].interest == D("0.13")  # HALF_EVEN would give 0.12


def test_interest_rounds_half_up_not_half_even():
    # 25.00 × 0.5 % = 0.125 → 0.13 (loans.md)
    schedule = build_schedule(D("25.00"), D("6"), 2, "interest-monthly", START)
    assert [r.interest for r in schedule] == [D("0.13"), D("0.13")]


@pytest.mark.parametrize(
    "principal, annual, months, method, expected",
    [
        # the monthly rate 1 %/12 does not terminate; these interests fall exactly on half a fen
        (D("6.00"), D("1"), 2, "interest-monthly", D("0.01")),  # 6 × 1/1200 = 0.005
        (D("1.00"), D("1"), 102, "bullet", D("0.09")),  # 1 × 1/1200 × 102 = 0.085
        (D("18.00"), D("1"), 1, "bullet", D("0.02")),  # 0.015
        (D("3.00"), D("2"), 6, "bullet", D("0.03")),  # 3 × 2/1200 × 6 = 0.03
        (D("54.00"), D("1"), 3, "equal-principal", D("0.05")),  # 54/1200 = 0.045
    ],
)
def test_half_fen_ties_with_non_terminating_rate(principal, annual, months, method, expected):
    assert build_schedule(principal, annual, months, method, START)[0].interest == expected


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 100_000_000), st.integers(1, 3600), st.integers(1, 360))
def test_interest_is_exact_on_half_fen_ties(fen, bp, months):
    # whatever the rate, an interest that is exactly x.xx5 rounds up
    principal, annual = D(fen) / 100, D(bp) / 100
    (bullet,) = build_schedule(principal, annual, months, "bullet", START)
    exact = Fraction(principal) * Fraction(annual) * months / 1200
    # half up: exact ∈ [interest − ½ fen, interest + ½ fen)
    assert Fraction(bullet.interest) - Fraction(1, 200) <= exact < Fraction(bullet.interest) + Fraction(1, 200)


def test_zero_rate_annuity_is_p_over_n_rounded_down():
    schedule = build_schedule(D("100.00"), D("0"), 3, "equal-installment", START)
    assert rows_of(schedule) == [
        (D("33.33"), D("0.00"), D("33.33"), D("66.67")),
        (D("33.33"), D("0.00"), D("33.33"), D("33.34")),
        (D("33.34"), D("0.00"), D("33.34"), D("0.00")),
    ]


def test_annuity_rounded_to_the_nearest_fen_as_banks_do():
    # 200 / 3 = 66.666… → 66.67; the last installment takes what remains (66.66)
    assert annuity_payment(D("200.00"), D("0"), 3) == D("66.67")
    schedule = build_schedule(D("200.00"), D("0"), 3, "equal-installment", START)
    assert [r.payment for r in schedule] == [D("66.67"), D("66.67"), D("66.66")]
    # the corrected reference: exact 2,208.3770 → 2,208.38 (rounding down gave 2,208.37)
    assert annuity_payment(D("200000.00"), D("5.88"), 120) == D("2208.38")
    assert annuity_payment(D("100000.00"), D("3.25"), 360) == D("435.21")
    schedule = build_schedule(D("200000.00"), D("5.88"), 120, "equal-installment", START)
    assert {r.payment for r in schedule[:-1]} == {D("2208.38")}
    assert sum(r.principal for r in schedule) == D("200000.00")


def test_monthly_rate():
    assert monthly_rate(D("5.31")) == D("0.004425")
    assert monthly_rate(D("12")) == D("0.01")
    assert monthly_rate(D("0")) == 0
    # full precision, not rounded to a few places
    with localcontext() as ctx:
        ctx.prec = 40
        assert monthly_rate(D("9.4822")) * 1200 - D("9.4822") < D("1e-30")
    assert len(monthly_rate(D("9.4822")).as_tuple().digits) > 20


def test_method_names_cover_methods():
    assert METHODS == ("equal-installment", "equal-principal", "interest-monthly", "bullet")
    assert set(METHOD_NAMES) == set(METHODS)
    assert METHOD_NAMES["equal-installment"] == "等额本息"


# ------------------------------------------------------------------ invalid


@pytest.mark.parametrize(
    "principal, rate, months, method",
    [
        (D("0"), D("5"), 12, "bullet"),
        (D("-1.00"), D("5"), 12, "bullet"),
        (D("100.001"), D("5"), 12, "bullet"),
        (D("100"), D("5"), 0, "bullet"),
        (D("100"), D("5"), 601, "equal-installment"),
        (D("100"), D("-0.01"), 12, "equal-installment"),
        (D("100"), D("100.01"), 12, "equal-principal"),
        (D("100"), D("5"), 12, "balloon"),
        (D("100"), D("NaN"), 12, "bullet"),
        (100.0, D("5"), 12, "bullet"),
        (D("100"), D("5"), 12.0, "bullet"),
    ],
)
def test_invalid_input_raises_value_error(principal, rate, months, method):
    with pytest.raises(ValueError):
        build_schedule(principal, rate, months, method, START)


def test_boundaries_accepted():
    assert len(build_schedule(D("0.01"), D("100"), 600, "equal-installment", START)) == 600
    assert len(build_schedule(D("0.01"), D("0"), 1, "equal-principal", START)) == 1


# ---------------------------------------------------------------- due dates


def test_add_months_from_31_jan_leap_year():
    start = dt.date(2024, 1, 31)
    assert add_months(start, 1) == dt.date(2024, 2, 29)
    assert add_months(start, 2) == dt.date(2024, 3, 31)
    assert add_months(start, 3) == dt.date(2024, 4, 30)
    assert add_months(start, 13) == dt.date(2025, 2, 28)
    assert add_months(start, 0) == start
    assert add_months(start, -2) == dt.date(2023, 11, 30)


def _expected_due(start, k):
    year = start.year + (start.month - 1 + k) // 12
    month = (start.month - 1 + k) % 12 + 1
    day = start.day
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1


@pytest.mark.parametrize("start", [dt.date(2023, 1, 31), dt.date(2024, 2, 29), dt.date(2023, 11, 30)])
def test_due_dates_clamp_and_never_drift(start):
    schedule = build_schedule(D("2400.00"), D("6"), 24, "equal-principal", start)
    dues = [r.due for r in schedule]
    assert dues == [_expected_due(start, k) for k in range(1, 25)]
    for due in dues:
        # keeps the start's day whenever the month has it, else the month's last day
        next_day = due + dt.timedelta(days=1)
        assert due.day == start.day or (due.day < start.day and next_day.day == 1)
    if start.day == 31:
        assert dt.date(2023, 3, 31) in dues and dt.date(2023, 2, 28) in dues
        assert dt.date(2024, 2, 29) in dues
    if start == dt.date(2024, 2, 29):
        assert dues[11] == dt.date(2025, 2, 28) and dues[0] == dt.date(2024, 3, 29)
    if start.day == 30:
        assert dt.date(2024, 2, 29) in dues and dt.date(2024, 3, 30) in dues


# ------------------------------------------------------------ properties


amounts = st.integers(min_value=1, max_value=1_000_000_000).map(lambda fen: D(fen) / 100)
rates = st.integers(min_value=0, max_value=3600).map(lambda bp: D(bp) / 100)
terms = st.integers(min_value=1, max_value=360)
methods = st.sampled_from(METHODS)


def exact_annuity(principal, annual, months) -> Fraction:
    r = Fraction(annual) / 1200
    if r == 0:
        return Fraction(principal) / months
    growth = (1 + r) ** months
    return Fraction(principal) * r * growth / (growth - 1)


def half_up(amount: Decimal, annual: Decimal, months: int = 1) -> Decimal:
    """round_half_up(amount · annual/1200 · months), dividing last so that
    exact half-fen values stay exact."""
    with localcontext() as ctx:
        ctx.prec = 60
        return (amount * annual * months / 1200).quantize(FEN, rounding=ROUND_HALF_UP)


def two_places(x: Decimal) -> bool:
    return x == x.quantize(FEN) and -x.as_tuple().exponent <= 2


@settings(max_examples=100, deadline=None)
@given(amounts, rates, terms, methods)
def test_schedule_invariants(principal, rate, months, method):
    schedule = build_schedule(principal, rate, months, method, START)
    assert len(schedule) == (1 if method == "bullet" else months)
    assert [r.number for r in schedule] == list(range(1, len(schedule) + 1))
    assert sum(r.principal for r in schedule) == principal
    assert schedule[-1].balance == 0
    previous = principal
    for row in schedule:
        for amount in (row.principal, row.interest, row.payment, row.balance):
            assert two_places(amount)
        assert row.principal >= 0 and row.interest >= 0
        assert row.balance >= 0
        assert row.balance <= previous
        assert row.balance == previous - row.principal
        assert row.payment == row.principal + row.interest
        previous = row.balance
    dues = [r.due for r in schedule]
    assert dues == sorted(dues) and len(set(dues)) == len(dues)
    assert schedule[-1].due == add_months(START, months)
    p, i, pay = totals(schedule)
    assert p == principal and pay == p + i


@settings(max_examples=100, deadline=None)
@given(amounts, rates, terms)
def test_annuity_payment_is_the_nearest_fen(principal, rate, months):
    a = annuity_payment(principal, rate, months)
    exact = exact_annuity(principal, rate, months)
    assert a - FEN / 2 <= exact < a + FEN / 2
    schedule = build_schedule(principal, rate, months, "equal-installment", START)
    for row in schedule[:-1]:
        before = row.balance + row.principal
        if row.interest > a:  # degenerate tiny loan: the payment does not cover the interest
            assert row.principal == 0
        elif a - row.interest > before:  # degenerate tiny loan paid off before its term
            assert row.principal == before and row.balance == 0
        else:
            assert row.payment == a
        # interest is always the balance before × r, half up
        assert row.interest == half_up(before, rate)
    # the last installment pays the remaining balance plus its interest
    last = schedule[-1]
    before_last = schedule[-2].balance if len(schedule) > 1 else principal
    assert last.principal == before_last
    assert last.interest == half_up(before_last, rate)
    # and drifts from A only by the propagated rounding: |B_{n-1} − exact| ≤ 0.015·Σ(1+r)^j
    rf = Fraction(rate) / 1200
    spread = sum((1 + rf) ** j for j in range(months - 1))
    assert abs(Fraction(last.payment) - exact) <= Fraction(15, 1000) * spread * (1 + rf) + Fraction(1, 100)


@settings(max_examples=100, deadline=None)
@given(amounts, rates, terms)
def test_equal_principal_parts(principal, rate, months):
    schedule = build_schedule(principal, rate, months, "equal-principal", START)
    p = (principal / months).quantize(FEN, rounding="ROUND_HALF_UP")
    if (months - 1) * p <= principal:  # the ordinary case: no clamping
        assert all(row.principal == p for row in schedule[:-1])
        assert schedule[-1].principal == principal - (months - 1) * p
    for row in schedule:
        before = row.balance + row.principal
        assert row.interest == half_up(before, rate)
    interests = [row.interest for row in schedule]
    assert interests == sorted(interests, reverse=True)


@settings(max_examples=100, deadline=None)
@given(amounts, rates, terms)
def test_interest_monthly_and_bullet(principal, rate, months):
    schedule = build_schedule(principal, rate, months, "interest-monthly", START)
    interest = half_up(principal, rate)
    assert all(row.interest == interest for row in schedule)
    assert all(row.principal == 0 for row in schedule[:-1])
    assert schedule[-1].principal == principal
    (bullet,) = build_schedule(principal, rate, months, "bullet", START)
    assert bullet.interest == half_up(principal, rate, months)
    assert bullet.due == add_months(START, months) and bullet.principal == principal


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(0, 600))
def test_add_months_keeps_day_or_clamps(start, months):
    due = add_months(start, months)
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == months
    if due.day != start.day:
        assert due.day < start.day and (due + dt.timedelta(days=1)).day == 1


def test_module_is_pure_standard_library():
    for module in (schedule_module,):
        tree = ast.parse(inspect.getsource(module))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
        assert names <= {"__future__", "calendar", "datetime", "dataclasses", "decimal", "fractions", "math"}


@settings(max_examples=100, deadline=None)
@given(
    st.integers(100_000, 100_000_000).map(lambda fen: D(fen) / 100),
    st.integers(0, 1500).map(lambda bp: D(bp) / 100),
    st.integers(2, 60),
)
def test_ordinary_annuity_every_payment_but_last_equals_a(principal, rate, months):
    # loans of the programme's size: no guard ever acts
    a = annuity_payment(principal, rate, months)
    schedule = build_schedule(principal, rate, months, "equal-installment", START)
    assert all(row.payment == a for row in schedule[:-1])
    # the rounded A leaves at most half a fen a month (plus interest on it) to the last,
    # give or take half a fen a month of interest rounding
    growth = (1 + monthly_rate(rate)) ** months
    assert abs(schedule[-1].payment - a) <= months * D("0.015") * growth + FEN
    assert abs(totals(schedule)[2] - a * months) <= months * D("0.01") * growth + FEN
