"""The overview's figures come from a fixed number of queries, whatever the
size of the town: no query per branch, member or loan (no N+1)."""

from __future__ import annotations

import datetime as dt

from branchtui.domain.branches import create_branch
from branchtui.domain.idcard import make_id_number
from branchtui.domain.loans.borrowers import save_borrower
from branchtui.domain.loans.service import create_loan
from branchtui.domain.members import create_member
from branchtui.domain.rooms import save_room
from branchtui.domain.summary import town_summary
from branchtui.store.db import database
from tests.conftest import TODAY


def _count_queries(monkeypatch, work) -> int:
    real = database.obj.execute_sql
    calls = []

    def counting(sql, params=None, *args, **kwargs):
        calls.append(sql)
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", counting)
    try:
        work()
    finally:
        monkeypatch.setattr(database.obj, "execute_sql", real)
    return len(calls)


def _grow(n: int) -> None:
    """n more branches, each with a member, a room, a borrower and a disbursed loan."""
    for i in range(n):
        branch = create_branch({"name": f"测试{i}支部"}, today=TODAY)
        create_member({"branch": branch.id, "name": "新党员", "join_date": "2010-07-01", "full_date": "2011-07-01",
                       "id_number": make_id_number("410402", dt.date(1980, 1, 2), 600 + i * 2)}, today=TODAY)
        save_room({"branch": branch.id, "name": f"测试{i}活动室"}, today=TODAY)
        borrower = save_borrower({"name": "借款人", "branch": branch.id,
                                  "id_number": make_id_number("410403", dt.date(1981, 1, 2), 600 + i * 2)}, today=TODAY)
        create_loan({"borrower": borrower.id, "amount": 5000, "annual_rate": "5.31", "months": 12,
                     "method": "等额本息", "applied": "2026-01-05", "approved": "2026-01-08",
                     "disbursed": "2026-01-10"}, today=TODAY)


def test_summary_queries_do_not_grow_with_the_town(demo_db, monkeypatch):
    before = _count_queries(monkeypatch, lambda: town_summary(TODAY, cached=False))
    _grow(6)
    after = _count_queries(monkeypatch, lambda: town_summary(TODAY, cached=False))
    assert after == before, f"{before} queries for 8 branches, {after} for 14"
    assert before <= 40


def test_remembered_figures_cost_two_queries(demo_db, monkeypatch):
    town_summary(TODAY)
    assert _count_queries(monkeypatch, lambda: town_summary(TODAY)) == 2
