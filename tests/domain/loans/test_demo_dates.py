"""The demo's loans build on any date and keep their headline figures.

``branchtui demo --today D`` (and ``make run`` on the real date) once failed
on most days of the year: a troubled sample loan could get the bullet method
and owe nothing yet, so its guarantee payout was refused and the build rolled
back. Only the loan part is built here (with few placements): it is what
depends on the date.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

PLACED = 25


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)))
@example(dt.date(2025, 3, 15))
@example(dt.date(2026, 6, 30))
def test_demo_loans_build_on_any_date(today):
    from branchtui.demo_loans import BUSINESSES_THIS_YEAR, NAMED, SAMPLE_LOANS, build_loans
    from branchtui.domain import audit
    from branchtui.domain.branches import create_branch
    from branchtui.domain.loans.portfolio import loan_figures
    from branchtui.store.db import open_database
    from branchtui.store.models import Loan

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "demo.db")
        try:
            with audit.transaction():  # as build_demo does: all or nothing
                for n in range(8):
                    create_branch({"name": f"居民{n + 1}支部"}, today=today)
                build_loans(today, random.Random(2002), placements=PLACED)
            figures = loan_figures(today)
            assert figures.count == len(NAMED) + SAMPLE_LOANS
            assert figures.disbursed >= Decimal("700000.00")
            assert figures.businesses_this_year == BUSINESSES_THIS_YEAR
            assert figures.reemployed == PLACED
            assert figures.overdue_count >= 2  # 45 and 75 days behind (20 days: only when an installment fell due)
            assert figures.par30 > 0
            assert figures.guarantee_unrecovered > 0  # the payout
            assert Loan.select().where(Loan.state == "代偿").count() == 1
            assert Loan.select().where(Loan.extension_months > 0).count() == 1
            assert figures.jobs_created > 0
        finally:
            db.close()
