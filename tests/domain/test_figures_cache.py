"""Remembered figures are the computed ones, and the next write forgets them."""

from __future__ import annotations

import datetime as dt

from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import create_member
from branchtui.domain.summary import town_summary
from branchtui.store.models import FiguresCache
from tests.conftest import TODAY


def test_remembered_equals_computed_and_a_write_forgets(demo_db):
    first = town_summary(TODAY)
    assert FiguresCache.select().count() == 1
    assert town_summary(TODAY) == first == town_summary(TODAY, cached=False)

    create_member({"branch": 1, "name": "新党员", "id_number": make_id_number("410402", dt.date(1990, 1, 2), 401),
                   "join_date": "2015-07-01", "full_date": "2016-07-01"}, today=TODAY)
    after = town_summary(TODAY)
    assert after.members == first.members + 1
    assert after == town_summary(TODAY, cached=False)


def test_a_damaged_cache_row_is_computed_afresh(demo_db):
    expected = town_summary(TODAY, cached=False)
    town_summary(TODAY)
    FiguresCache.update(payload='{"as_of": "garbage"}').execute()
    assert town_summary(TODAY) == expected


def test_each_as_of_date_has_its_own_figures(demo_db):
    earlier = dt.date(TODAY.year, 7, 1)
    assert town_summary(earlier) == town_summary(earlier, cached=False)
    assert town_summary(TODAY) == town_summary(TODAY, cached=False)
    assert town_summary(earlier).to_json() != town_summary(TODAY).to_json()
