"""The shared-plan schedule (service.schedule_from) equals the engine's, for
every method and any start: the cache must never change a figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from branchtui.domain.loans.schedule import METHODS, build_schedule
from branchtui.domain.loans.service import schedule_from


@settings(max_examples=300, deadline=None)
@given(
    principal=st.integers(min_value=100_00, max_value=100_000_00).map(lambda f: Decimal(f) / 100),
    rate=st.integers(min_value=0, max_value=150_000).map(lambda r: Decimal(r) / 10000),
    months=st.integers(min_value=1, max_value=60),
    method=st.sampled_from(METHODS),
    start=st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2035, 12, 31)),
)
def test_shared_plan_equals_the_engine(principal, rate, months, method, start):
    assert schedule_from(principal, rate, months, method, start) == build_schedule(principal, rate, months, method, start)
