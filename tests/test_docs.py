"""docs/ stays true where that is cheap to check.

docs/loans.md marks its worked cases with ``<!-- check: KIND key=value … -->``
followed by a Markdown table; each is compared here with the engine, so a
figure the code no longer produces fails the suite. And docs/ stands alone:
no link leads out of the repository to the team's working notes.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from branchtui.domain.loans.arrears import bucket_of, par
from branchtui.domain.loans.schedule import add_months, annuity_payment, build_schedule, totals

DOCS = Path(__file__).resolve().parents[1] / "docs"
LOANS = DOCS / "loans.md"
MARKER = re.compile(r"<!-- check: (\S+)((?: \S+=\S+)*) -->")
ANY_START = dt.date(2026, 12, 1)  # amounts do not depend on the start (30/360)


def _checks() -> list[tuple[str, dict[str, str], list[str], int]]:
    """(kind, options, the text up to the next check, line number) for every marker."""
    text = LOANS.read_text(encoding="utf-8")
    matches = list(MARKER.finditer(text))
    out = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        options = dict(pair.split("=", 1) for pair in match.group(2).split())
        line = text.count("\n", 0, match.start()) + 1
        out.append((match.group(1), options, text[match.end():end].splitlines(), line))
    return out


def _table(lines: list[str]) -> tuple[list[str], list[list[str]]]:
    """The first Markdown table in ``lines``: its header and its rows, cells stripped."""
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in lines if line.strip().startswith("|")]
    assert len(rows) >= 3, "a check is followed by a table"
    return rows[0], [row for row in rows[2:]]


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _cases(kind: str):
    return [pytest.param(options, lines, id=f"line{line}-{kind}-{options.get('method', '')}")
            for k, options, lines, line in _checks() if k == kind]


def _rounds_differently(principal: Decimal, rate: Decimal, months: int) -> bool:
    """Whether A of this annuity differs between rounding down and half up."""
    r = Fraction(rate) / 1200
    growth = (1 + r) ** months
    exact = Fraction(principal) * r * growth / (growth - 1) * 100
    return int(exact) != int(exact + Fraction(1, 2))


# The engine once rounded A down; docs/loans.md states the rule as it is now
# (half up). While a branch still carries the old engine, only the cases whose
# A the rounding moves are expected to disagree.
ENGINE_ROUNDS_DOWN = annuity_payment(Decimal("200000"), Decimal("5.88"), 120) == Decimal("2208.37")


def _expect_rounding(request, method: str, principal: Decimal, rate: Decimal, months: int) -> None:
    if ENGINE_ROUNDS_DOWN and method == "equal-installment" and _rounds_differently(principal, rate, months):
        request.applymarker(pytest.mark.xfail(
            reason="this engine still rounds the 等额本息 payment down; the docs give half up", strict=False))


def test_loans_doc_has_checks():
    kinds = [kind for kind, _o, _l, _n in _checks()]
    assert kinds.count("schedule") >= 6
    assert {"due-dates", "buckets", "par30", "settlement", "prepayment"} <= set(kinds)


@pytest.mark.parametrize("options,lines", _cases("schedule"))
def test_schedule_tables(request, options, lines):
    principal, rate = Decimal(options["principal"]), Decimal(options["rate"])
    months, method = int(options["months"]), options["method"]
    _expect_rounding(request, method, principal, rate, months)
    schedule = build_schedule(principal, rate, months, method, ANY_START)
    header, rows = _table(lines)
    assert header == ["k", "principal", "interest", "payment", "balance"]
    for k, *figures in rows:
        if k == "total":
            assert tuple(_money(f) for f in figures[:3]) == totals(schedule), "totals"
            continue
        row = schedule[int(k) - 1]
        assert [_money(f) for f in figures] == [row.principal, row.interest, row.payment, row.balance], f"k={k}"
    assert int(rows[-1][0] if rows[-1][0] != "total" else rows[-2][0]) == len(schedule), "the last row is shown"


@pytest.mark.parametrize("options,lines", _cases("due-dates"))
def test_due_dates(options, lines):
    start = dt.date.fromisoformat(options["start"])
    _header, rows = _table(lines)
    for k, due in rows:
        assert add_months(start, int(k)) == dt.date.fromisoformat(due)


@pytest.mark.parametrize("options,lines", _cases("buckets"))
def test_buckets(options, lines):
    _header, rows = _table(lines)
    for days, code, _shown in rows:
        assert bucket_of(int(days)) == code.strip("`")


@pytest.mark.parametrize("options,lines", _cases("par30"))
def test_par30(options, lines):
    _header, rows = _table(lines)
    share = par([(_money(outstanding), int(days)) for _loan, outstanding, days in rows], 30)
    shown = re.search(r"\*\*([\d.]+) %\*\*", "\n".join(lines)).group(1)
    assert (share * 100).quantize(Decimal("0.01")) == Decimal(shown)


def _loan(options):
    return (Decimal(options["principal"]), Decimal(options["rate"]), int(options["months"]),
            options["method"], dt.date.fromisoformat(options["start"]))


@pytest.mark.parametrize("options,lines", _cases("settlement"))
def test_settlement(request, options, lines):
    principal, rate, months, method, start = _loan(options)
    _expect_rounding(request, method, principal, rate, months)
    paid, day = int(options["paid"]), dt.date.fromisoformat(options["on"])
    last = build_schedule(principal, rate, months, method, start)[paid - 1]
    days = (day - last.due).days
    accrued = (last.balance * rate / 100 * days / 360).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    _header, rows = _table(lines)
    figures = {label.split(",")[0]: _money(amount) for label, amount in rows}
    assert f"{days} days" in " ".join(label for label, _a in rows)
    assert figures == {"remaining principal": last.balance, "accrued interest": accrued,
                       "to settle": last.balance + accrued}


@pytest.mark.parametrize("options,lines", _cases("prepayment"))
def test_prepayment(request, options, lines):
    history = pytest.importorskip("branchtui.domain.loans.history",
                                  reason="prepayments are re-scheduled by domain/loans/history.py")
    principal, rate, months, method, start = _loan(options)
    _expect_rounding(request, method, principal, rate, months)
    paid = int(options["paid"])
    plan = build_schedule(principal, rate, months, method, start)
    entries = [history.Entry(k, row.due, row.principal, row.interest) for k, row in enumerate(plan[:paid], 1)]
    entries.append(history.Entry(paid + 1, plan[paid - 1].due, _money(options["prepay"]), Decimal("0"),
                                 prepay=options["choice"]))
    schedule = history.schedule_on(history.Terms(principal, rate, months, method, start), [], entries)
    _header, rows = _table(lines)
    for k, due, *figures in rows:
        row = schedule[int(k) - 1]
        assert (row.due, [row.principal, row.interest, row.payment, row.balance]) == (
            dt.date.fromisoformat(due), [_money(f) for f in figures]), f"k={k}"
    assert int(rows[-1][0]) == len(schedule), "the last row is shown"


def test_docs_stand_alone():
    """The repository must stand alone: no link into the team's shared notes."""
    offending = [f"{path.relative_to(DOCS.parent)}:{n}"
                 for path in sorted(DOCS.rglob("*.md"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if "../shared" in line or "shared/DESIGN" in line or "shared/reference" in line]
    assert offending == []


def test_docs_links_resolve():
    """Every relative link in docs/ names a file that exists."""
    broken = []
    for path in sorted(DOCS.rglob("*.md")):
        for target in re.findall(r"\]\(([^)#\s]+)", path.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (path.parent / target).exists():
                broken.append(f"{path.name}: {target}")
    assert broken == []
