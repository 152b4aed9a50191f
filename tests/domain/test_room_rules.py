"""Rules and handbooks posted in a room (制度上墙)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import TODAY

from branchtui.domain.branches import create_branch
from branchtui.domain.errors import NotFound, ValidationError
from branchtui.domain.room_rules import COMMON_RULES, get_rule, rules_of, save_rule
from branchtui.domain.rooms import save_room
from branchtui.store.models import Audit, RoomRule


@pytest.fixture
def rooms(db):
    out = []
    for numeral in "一二":
        branch = create_branch({"name": f"居民{numeral}支部"}, today=TODAY)
        out.append(save_room({"branch": branch.id, "name": f"居民{numeral}支部党员活动室"}, today=TODAY))
    return out


def rule_data(room_id, **overrides):
    data = {"room": room_id, "name": "管理制度", "adopted": "2026-03-08", "posted": "是", "notes": ""}
    data.update(overrides)
    return data


def _counts():
    return RoomRule.select().count(), Audit.select().count()


def test_save_rule_with_audit(rooms):
    before = _counts()
    rule = save_rule(rule_data(rooms[0].id), today=TODAY)
    stored = get_rule(rule.id)
    assert (stored.room_id, stored.name, stored.adopted, stored.posted) == (
        rooms[0].id, "管理制度", dt.date(2026, 3, 8), True)
    assert _counts() == (before[0] + 1, before[1] + 1)
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("room_rule", "create", rule.id)


@pytest.mark.parametrize("posted, expected", [
    ("否", False), ("是", True), (" 否 ", False), (False, False), (True, True), ("0", False)])
def test_posted(rooms, posted, expected):
    rule = save_rule(rule_data(rooms[0].id, posted=posted), today=TODAY)
    assert get_rule(rule.id).posted is expected


def test_posted_defaults_to_yes(rooms):
    data = rule_data(rooms[0].id)
    del data["posted"]
    assert get_rule(save_rule(data, today=TODAY).id).posted is True


def test_duplicate_rule_name_in_same_room_refused(rooms):
    save_rule(rule_data(rooms[0].id), today=TODAY)
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_rule(rule_data(rooms[0].id, name=" 管理制度 ", adopted=""), today=TODAY)
    assert set(info.value.errors) == {"name"}
    assert "管理制度" in info.value.errors["name"]
    assert _counts() == before


def test_same_rule_name_in_another_room_allowed(rooms):
    save_rule(rule_data(rooms[0].id), today=TODAY)
    rule = save_rule(rule_data(rooms[1].id), today=TODAY)
    assert get_rule(rule.id).room_id == rooms[1].id
    assert [r.name for r in rules_of(rooms[1].id)] == ["管理制度"]


def test_updating_a_rule_is_not_a_duplicate(rooms):
    rule = save_rule(rule_data(rooms[0].id), today=TODAY)
    before = _counts()
    save_rule(rule_data(rooms[0].id, posted="否", notes="待重新印制"), rule_id=rule.id, today=TODAY)
    assert _counts() == (before[0], before[1] + 1)
    stored = get_rule(rule.id)
    assert (stored.posted, stored.notes) == (False, "待重新印制")
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("room_rule", "update", rule.id)
    assert json.loads(row.before)["posted"] is True
    assert json.loads(row.after)["posted"] is False


def test_renaming_onto_another_rule_refused(rooms):
    save_rule(rule_data(rooms[0].id, name="活动制度"), today=TODAY)
    rule = save_rule(rule_data(rooms[0].id), today=TODAY)
    with pytest.raises(ValidationError) as info:
        save_rule(rule_data(rooms[0].id, name="活动制度"), rule_id=rule.id, today=TODAY)
    assert set(info.value.errors) == {"name"}
    assert get_rule(rule.id).name == "管理制度"


@pytest.mark.parametrize("adopted", [TODAY + dt.timedelta(days=1), "2026-11-28", "2030.1.1"])
def test_adopted_in_the_future_refused(rooms, adopted):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_rule(rule_data(rooms[0].id, adopted=adopted), today=TODAY)
    assert set(info.value.errors) == {"adopted"}
    assert "晚于今天" in info.value.errors["adopted"]
    assert _counts() == before


def test_adopted_today_or_empty_allowed(rooms):
    a = save_rule(rule_data(rooms[0].id, adopted=TODAY), today=TODAY)
    b = save_rule(rule_data(rooms[0].id, name="活动制度", adopted=""), today=TODAY)
    assert get_rule(a.id).adopted == TODAY
    assert get_rule(b.id).adopted is None


@pytest.mark.parametrize("field, overrides", [
    ("name", {"name": ""}),
    ("name", {"name": "制" * 31}),
    ("adopted", {"adopted": "2026-02-30"}),
    ("room", {"room": 999}),
    ("room", {"room": None}),
    ("room", {"room": "abc"}),
])
def test_bad_rule_refused(rooms, field, overrides):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_rule(rule_data(rooms[0].id, **overrides), today=TODAY)
    assert set(info.value.errors) == {field}
    assert _counts() == before


def test_rules_of_in_entry_order(rooms):
    for name in COMMON_RULES:
        save_rule(rule_data(rooms[0].id, name=name), today=TODAY)
    assert [r.name for r in rules_of(rooms[0].id)] == list(COMMON_RULES)
    assert rules_of(rooms[1].id) == []


def test_missing_rule(rooms):
    with pytest.raises(NotFound):
        get_rule(999)
    with pytest.raises(NotFound):
        save_rule(rule_data(rooms[0].id), rule_id=999, today=TODAY)
