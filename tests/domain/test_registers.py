"""基本情况底册 (dated figures of each branch's community), and the year-end
appraisals (三落实) and honours."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import TODAY

from branchtui.domain.branches import create_branch
from branchtui.domain.errors import ValidationError
from branchtui.domain.honours import honours, save_appraisal, save_honour
from branchtui.domain.registers import latest_registers, save_register
from branchtui.store.models import Appraisal, Audit, Honour, Register


@pytest.fixture
def town(db):
    return {"one": create_branch({"name": "居民一支部"}, today=TODAY),
            "two": create_branch({"name": "居民二支部"}, today=TODAY),
            "three": create_branch({"name": "居民三支部"}, today=TODAY)}


def figures(branch, **overrides):
    data = {"branch": branch.id, "date": "2026-01-15", "population": "2400", "households": "800",
            "employed": "1200", "laid_off": "120", "low_income": "40", "family_planning": "780"}
    data.update(overrides)
    return data


def _counts():
    return Register.select().count(), Audit.select().count()


# ------------------------------------------------------------------ registers


def test_register_saved_with_audit(town):
    before = _counts()
    register = save_register(figures(town["one"]), today=TODAY)
    assert _counts() == (before[0] + 1, before[1] + 1)
    stored = Register.get_by_id(register.id)
    assert (stored.branch_id, stored.date) == (town["one"].id, dt.date(2026, 1, 15))
    assert (stored.population, stored.households, stored.employed, stored.laid_off, stored.low_income,
            stored.family_planning) == (2400, 800, 1200, 120, 40, 780)
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("register", "create", register.id)
    assert json.loads(row.after)["population"] == 2400


def test_figures_equal_to_their_bound_accepted(town):
    register = save_register(figures(town["one"], population="800", households="800", employed="800",
                                     laid_off="800", low_income="800"), today=TODAY)
    assert Register.get_by_id(register.id).low_income == 800


@pytest.mark.parametrize("overrides, field", [
    ({"households": "2401"}, "households"),
    ({"employed": "2401"}, "employed"),
    ({"laid_off": "2401"}, "laid_off"),
    ({"low_income": "801"}, "low_income"),
    ({"population": "-1"}, "population"),
    ({"population": ""}, "population"),
    ({"family_planning": ""}, "family_planning"),
    ({"date": "2026-11-28"}, "date"),
    ({"date": ""}, "date"),
    ({"branch": "9999"}, "branch"),
    ({"branch": ""}, "branch"),
])
def test_register_refusals_write_nothing(town, overrides, field):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_register({**figures(town["one"]), **overrides}, today=TODAY)
    assert field in info.value.errors, info.value.errors
    assert _counts() == before


def test_family_planning_households_above_households_refused(town):
    """计生合格户 counts households (see the model), so like 低收入户 it cannot
    exceed the households of the community."""
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_register(figures(town["one"], households="800", family_planning="801"), today=TODAY)
    assert "family_planning" in info.value.errors
    assert _counts() == before


def test_register_errors_all_at_once(town):
    with pytest.raises(ValidationError) as info:
        save_register(figures(town["one"], population="100", households="200", employed="300",
                              low_income="250"), today=TODAY)
    assert {"households", "employed", "low_income"} <= set(info.value.errors)


def test_latest_registers_with_change(town):
    one, two = town["one"], town["two"]
    save_register(figures(one, date="2024-01-15", population="2000"), today=TODAY)
    save_register(figures(one, date="2026-06-30", population="2410", households="805", laid_off="100",
                          low_income="35"), today=TODAY)
    # entered after, but dated before: the latest is by date
    save_register(figures(one, date="2025-01-15"), today=TODAY)
    save_register(figures(two, date="2026-03-01", population="1800"), today=TODAY)
    rows = {r.branch: r for r in latest_registers()}
    assert list(rows) == ["居民一支部", "居民二支部", "居民三支部"]

    latest = rows["居民一支部"]
    assert latest.date == dt.date(2026, 6, 30)
    assert latest.figures == {"population": 2410, "households": 805, "employed": 1200, "laid_off": 100,
                              "low_income": 35, "family_planning": 780}
    # change from the entry before (2025-01-15), not from the oldest
    assert latest.change == {"population": 10, "households": 5, "employed": 0, "laid_off": -20,
                             "low_income": -5, "family_planning": 0}

    only = rows["居民二支部"]
    assert (only.date, only.figures["population"], only.change) == (dt.date(2026, 3, 1), 1800, {})
    none = rows["居民三支部"]
    assert (none.date, none.figures, none.change) == (None, {}, {})


def test_latest_registers_same_day_later_entry_wins(town):
    save_register(figures(town["one"], date="2026-06-30", population="2400"), today=TODAY)
    save_register(figures(town["one"], date="2026-06-30", population="2390"), today=TODAY)
    row = latest_registers()[0]
    assert row.figures["population"] == 2390
    assert row.change["population"] == -10


# ------------------------------------------------------------------ honours


def test_honour_for_a_branch(town):
    before = Honour.select().count(), Audit.select().count()
    honour = save_honour({"name": "先进基层党支部", "level": "区级", "year": "2025", "branch": town["one"].id})
    assert (Honour.select().count(), Audit.select().count()) == (before[0] + 1, before[1] + 1)
    stored = Honour.get_by_id(honour.id)
    assert (stored.name, stored.level, stored.year, stored.branch_id, stored.person) == (
        "先进基层党支部", "区级", 2025, town["one"].id, "")


def test_honour_for_a_person(town):
    honour = save_honour({"name": "优秀党务工作者", "level": "市级", "year": "2025", "person": "张彩风"})
    stored = Honour.get_by_id(honour.id)
    assert (stored.branch_id, stored.person) == (None, "张彩风")


@pytest.mark.parametrize("overrides, field", [
    ({"branch": "", "person": ""}, "person"),  # needs a branch or a person
    ({"branch": None, "person": "  "}, "person"),
    ({"level": "县级"}, "level"),
    ({"level": ""}, "level"),
    ({"name": ""}, "name"),
    ({"year": ""}, "year"),
    ({"year": "1900"}, "year"),
    ({"branch": "9999"}, "branch"),
])
def test_honour_refusals_write_nothing(town, overrides, field):
    data = {"name": "先进基层党支部", "level": "区级", "year": "2025", "branch": town["one"].id, "person": ""}
    data.update(overrides)
    before = Honour.select().count(), Audit.select().count()
    with pytest.raises(ValidationError) as info:
        save_honour(data)
    assert field in info.value.errors, info.value.errors
    assert (Honour.select().count(), Audit.select().count()) == before


def test_honours_newest_year_first(town):
    save_honour({"name": "甲", "level": "区级", "year": "2024", "person": "王建国"})
    save_honour({"name": "乙", "level": "省级", "year": "2026", "person": "李秀英"})
    save_honour({"name": "丙", "level": "市级", "year": "2025", "branch": town["two"].id})
    assert [h.name for h in honours()] == ["乙", "丙", "甲"]
    assert [h.name for h in honours(limit=1)] == ["乙"]


# ------------------------------------------------------------------ appraisals


def test_appraisal_stores_the_three_flags(town):
    row = save_appraisal({"branch": town["one"].id, "year": "2025", "secretary": "张彩风", "goals_ok": "是",
                          "rules_ok": True, "tasks_ok": "否", "tasks_note": "再就业培训未完成", "score": "85"})
    stored = Appraisal.get_by_id(row.id)
    assert (stored.goals_ok, stored.rules_ok, stored.tasks_ok) == (True, True, False)
    assert (stored.secretary, stored.score, stored.tasks_note) == ("张彩风", 85, "再就业培训未完成")
    audit = Audit.select().order_by(Audit.id.desc()).first()
    assert (audit.table, audit.action, audit.row_id) == ("appraisal", "create", row.id)


def test_appraisal_upsert_per_branch_and_year(town):
    first = save_appraisal({"branch": town["one"].id, "year": "2025", "goals_ok": "是", "rules_ok": "是",
                            "tasks_ok": "否", "score": "85"})
    second = save_appraisal({"branch": town["one"].id, "year": "2025", "goals_ok": "是", "rules_ok": "否",
                             "tasks_ok": "是", "score": "92"})
    assert second.id == first.id
    assert Appraisal.select().count() == 1
    stored = Appraisal.get_by_id(first.id)
    assert (stored.goals_ok, stored.rules_ok, stored.tasks_ok, stored.score) == (True, False, True, 92)
    audit = Audit.select().order_by(Audit.id.desc()).first()
    assert (audit.action, audit.row_id) == ("update", first.id)
    assert json.loads(audit.before)["score"] == 85 and json.loads(audit.after)["score"] == 92
    assert json.loads(audit.before)["tasks_ok"] is False and json.loads(audit.after)["tasks_ok"] is True
    # another year, or another branch, is another row
    save_appraisal({"branch": town["one"].id, "year": "2026"})
    save_appraisal({"branch": town["two"].id, "year": "2025"})
    assert Appraisal.select().count() == 3


@pytest.mark.parametrize("overrides, field", [
    ({"score": "101"}, "score"),
    ({"score": "-1"}, "score"),
    ({"year": ""}, "year"),
    ({"branch": "9999"}, "branch"),
    ({"goals_note": "长" * 201}, "goals_note"),
])
def test_appraisal_refusals_write_nothing(town, overrides, field):
    data = {"branch": town["one"].id, "year": "2025", "score": "90"}
    data.update(overrides)
    before = Appraisal.select().count(), Audit.select().count()
    with pytest.raises(ValidationError) as info:
        save_appraisal(data)
    assert field in info.value.errors
    assert (Appraisal.select().count(), Audit.select().count()) == before
