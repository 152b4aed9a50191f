"""Activities and their kinds: trainings, lectures, literacy classes, party
lessons and meetings, held in a room or elsewhere."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import TODAY

from branchtui.domain.activities import (activities_in_year, add_kind, attendance, get_activity,
                                         kind_choices, list_activities, save_activity)
from branchtui.domain.branches import create_branch
from branchtui.domain.errors import NotFound, ValidationError
from branchtui.domain.rooms import save_room
from branchtui.store.models import Activity, ActivityKind, Audit

BUILT_IN = ["再就业培训", "计划生育讲座", "科普讲座", "扫盲班", "党课", "支部党员大会", "支委会", "党小组会", "座谈会"]


@pytest.fixture
def town(db):
    one = create_branch({"name": "居民一支部", "founded": "2000-07-01"}, today=TODAY)
    two = create_branch({"name": "居民二支部", "founded": "2010-03-01"}, today=TODAY)
    room = save_room({"branch": one.id, "name": "一支部党员活动室"})
    kinds = dict(kind_choices())
    return {"one": one, "two": two, "room": room, "kinds": {name: int(i) for name, i in kinds.items()}}


def activity(town, **overrides):
    data = {"kind": town["kinds"]["党课"], "date": "2026-05-10", "branch": town["one"].id,
            "room": town["room"].id, "topic": "学习《党章》", "lecturer": "张彩风",
            "members_expected": "10", "members_present": "7", "others": "12"}
    data.update(overrides)
    return data


def _counts():
    return Activity.select().count(), Audit.select().count()


# ------------------------------------------------------------------ kinds


def test_built_in_kinds_in_order(db):
    assert [name for name, _id in kind_choices()] == BUILT_IN
    positions = [k.position for k in ActivityKind.select().order_by(ActivityKind.position)]
    assert positions == sorted(positions) and len(set(positions)) == len(BUILT_IN)


def test_add_kind_appends_last(db):
    before = Audit.select().count()
    kind = add_kind("  法制讲座 ")
    assert kind.name == "法制讲座"
    names = [name for name, _id in kind_choices()]
    assert names == BUILT_IN + ["法制讲座"]
    assert dict(kind_choices())["法制讲座"] == str(kind.id)
    assert Audit.select().count() == before + 1
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("activity_kind", "create", kind.id)


def test_duplicate_kind_refused(db):
    before = ActivityKind.select().count(), Audit.select().count()
    with pytest.raises(ValidationError) as info:
        add_kind("党课")
    assert set(info.value.errors) == {"name"}
    assert "党课" in info.value.errors["name"]
    assert (ActivityKind.select().count(), Audit.select().count()) == before


def test_empty_kind_refused(db):
    before = ActivityKind.select().count()
    with pytest.raises(ValidationError) as info:
        add_kind("   ")
    assert info.value.field == "name"
    assert ActivityKind.select().count() == before


# ------------------------------------------------------------------ saving


def test_valid_activity_saved_with_one_audit_row(town):
    before = _counts()
    saved = save_activity(activity(town), today=TODAY)
    assert _counts() == (before[0] + 1, before[1] + 1)
    stored = get_activity(saved.id)
    assert stored.kind_id == town["kinds"]["党课"]
    assert stored.branch_id == town["one"].id
    assert stored.room_id == town["room"].id
    assert stored.date == dt.date(2026, 5, 10)
    assert (stored.members_expected, stored.members_present, stored.others) == (10, 7, 12)
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("activity", "create", saved.id)
    assert json.loads(row.after)["members_present"] == 7


def test_update_activity_audits_before_and_after(town):
    saved = save_activity(activity(town), today=TODAY)
    save_activity(activity(town, members_present="9"), activity_id=saved.id, today=TODAY)
    assert Activity.select().count() == 1
    assert get_activity(saved.id).members_present == 9
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.action, row.row_id) == ("update", saved.id)
    assert json.loads(row.before)["members_present"] == 7
    assert json.loads(row.after)["members_present"] == 9


def test_update_missing_activity_is_not_found(town):
    with pytest.raises(NotFound):
        save_activity(activity(town), activity_id=9999, today=TODAY)


def test_activity_on_today_accepted(town):
    saved = save_activity(activity(town, date=TODAY), today=TODAY)
    assert get_activity(saved.id).date == TODAY


def test_activity_without_room_is_held_elsewhere(town):
    saved = save_activity(activity(town, room=""), today=TODAY)
    assert get_activity(saved.id).room_id is None
    assert list_activities()[0].room == "外出"


@pytest.mark.parametrize("overrides, field", [
    ({"members_present": "11", "members_expected": "10"}, "members_present"),
    ({"members_present": "1", "members_expected": "0"}, "members_present"),
    ({"date": "2000-06-30"}, "date"),  # the day before 居民一支部 was founded
    ({"date": "2026-11-28"}, "date"),  # tomorrow
    ({"kind": ""}, "kind"),
    ({"kind": "9999"}, "kind"),
    ({"kind": "党课"}, "kind"),
    ({"branch": ""}, "branch"),
    ({"branch": "9999"}, "branch"),
    ({"room": "9999"}, "room"),
    ({"topic": "  "}, "topic"),
    ({"members_expected": "-1"}, "members_expected"),
    ({"date": "2026-02-30"}, "date"),
])
def test_refusals_write_nothing(town, overrides, field):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_activity(activity(town, **overrides), today=TODAY)
    assert field in info.value.errors, info.value.errors
    assert _counts() == before


def test_missing_kind_and_branch_keys_refused(town):
    data = activity(town)
    del data["kind"], data["branch"]
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_activity(data, today=TODAY)
    assert {"kind", "branch"} <= set(info.value.errors)
    assert _counts() == before


def test_attendance_over_expected_message_names_both(town):
    with pytest.raises(ValidationError) as info:
        save_activity(activity(town, members_expected="10", members_present="11"), today=TODAY)
    assert set(info.value.errors) == {"members_present"}
    assert "11" in info.value.errors["members_present"] and "10" in info.value.errors["members_present"]


def test_date_before_founded_message_names_branch(town):
    with pytest.raises(ValidationError) as info:
        save_activity(activity(town, date="2000-06-30"), today=TODAY)
    assert set(info.value.errors) == {"date"}
    assert "居民一支部" in info.value.errors["date"]
    assert "2000-07-01" in info.value.errors["date"]


def test_date_on_founded_day_accepted(town):
    saved = save_activity(activity(town, date="2000-07-01"), today=TODAY)
    assert get_activity(saved.id).date == dt.date(2000, 7, 1)


def test_founded_date_is_per_branch(town):
    # 2005 is after 居民一支部 was founded but before 居民二支部 was
    save_activity(activity(town, date="2005-01-01"), today=TODAY)
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_activity(activity(town, date="2005-01-01", branch=town["two"].id, room=""), today=TODAY)
    assert set(info.value.errors) == {"date"}
    assert _counts() == before


def test_all_errors_reported_at_once(town):
    with pytest.raises(ValidationError) as info:
        save_activity(activity(town, date="2026-12-01", members_present="20", kind="", topic=""),
                      today=TODAY)
    assert {"date", "members_present", "kind", "topic"} <= set(info.value.errors)


# ------------------------------------------------------------------ listing


@pytest.fixture
def listed(town):
    k = town["kinds"]
    one, two = town["one"].id, town["two"].id
    made = {}
    for key, kind, day, branch in (
            ("a", k["党课"], "2026-05-03", one),
            ("b", k["再就业培训"], "2026-05-20", one),
            ("c", k["党课"], "2026-05-20", two),
            ("d", k["科普讲座"], "2026-04-30", one),
            ("e", k["党课"], "2026-06-01", two),
            ("f", k["党课"], "2025-05-15", one)):
        made[key] = save_activity(activity(town, kind=kind, date=day, branch=branch, room="",
                                           members_expected="0", members_present="0", others="5",
                                           topic=f"活动{key}"), today=TODAY).id
    return made


def test_list_is_newest_first(listed):
    rows = list_activities()
    assert [r.topic for r in rows] == ["活动e", "活动c", "活动b", "活动a", "活动d", "活动f"]
    dates = [r.date for r in rows]
    assert dates == sorted(dates, reverse=True)


def test_same_day_newest_entry_first(listed):
    rows = [r for r in list_activities() if r.date == dt.date(2026, 5, 20)]
    assert [r.id for r in rows] == sorted((listed["b"], listed["c"]), reverse=True)


def test_list_by_month(listed):
    rows = list_activities(month="2026-05")
    assert {r.topic for r in rows} == {"活动a", "活动b", "活动c"}
    assert [r.date for r in rows] == sorted((r.date for r in rows), reverse=True)
    assert [r.topic for r in list_activities(month="2026-04")] == ["活动d"]
    assert [r.topic for r in list_activities(month="2025-05")] == ["活动f"]
    assert list_activities(month="2026-07") == []


def test_list_december_month(town):
    save_activity(activity(town, date="2025-12-31", topic="年末"), today=TODAY)
    save_activity(activity(town, date="2026-01-01", topic="年初"), today=TODAY)
    assert [r.topic for r in list_activities(month="2025-12")] == ["年末"]


def test_list_by_kind(listed, town):
    rows = list_activities(kind_id=town["kinds"]["党课"])
    assert [r.topic for r in rows] == ["活动e", "活动c", "活动a", "活动f"]
    assert {r.kind for r in rows} == {"党课"}


def test_list_by_branch(listed, town):
    rows = list_activities(branch_id=town["two"].id)
    assert [r.topic for r in rows] == ["活动e", "活动c"]
    assert {r.branch for r in rows} == {"居民二支部"}


def test_list_filters_combine(listed, town):
    rows = list_activities(kind_id=town["kinds"]["党课"], branch_id=town["one"].id, month="2026-05")
    assert [r.topic for r in rows] == ["活动a"]


def test_list_row_fields(town):
    save_activity(activity(town), today=TODAY)
    [row] = list_activities()
    assert (row.kind, row.branch, row.room, row.lecturer) == ("党课", "居民一支部", "一支部党员活动室", "张彩风")
    assert row.attendance == "7/10 +12"


def test_list_limit_and_offset(listed):
    everything = [r.id for r in list_activities()]
    assert [r.id for r in list_activities(limit=2)] == everything[:2]
    assert [r.id for r in list_activities(limit=2, offset=2)] == everything[2:4]


# ------------------------------------------------------------------ attendance and counts


@pytest.mark.parametrize("present, expected, others, text", [
    (7, 10, 12, "7/10 +12"),
    (7, 10, 0, "7/10"),
    (0, 0, 23, "23人"),
    (0, 0, 0, "—"),
    (0, 10, 0, "0/10"),
])
def test_attendance_text(present, expected, others, text):
    assert attendance(present, expected, others) == text


def test_activities_in_year(town):
    for day in ("2025-12-31", "2026-01-01", "2026-06-30", "2026-11-27"):
        save_activity(activity(town, date=day), today=TODAY)
    assert activities_in_year(2026) == 3
    assert activities_in_year(2026, as_of=dt.date(2026, 6, 30)) == 2
    assert activities_in_year(2026, as_of=dt.date(2026, 6, 29)) == 1
    assert activities_in_year(2025) == 1
