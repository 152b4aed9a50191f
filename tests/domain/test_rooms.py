"""Activity rooms: one per branch, money in fen."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.conftest import TODAY

from branchtui.domain.branches import create_branch
from branchtui.domain.errors import NotFound, ValidationError
from branchtui.domain.rooms import get_room, room_of_branch, save_room
from branchtui.store.models import Audit, Room


@pytest.fixture
def branch(db):
    return create_branch({"name": "居民一支部"}, today=TODAY)


def room_data(branch_id, **overrides):
    data = {"branch": branch_id, "name": "居民一支部党员活动室", "address": "一区居委会院内",
            "area_m2": "45", "manager": "张彩风", "open_hours": "周一至周五 8:30-17:30",
            "build_cost": "2万"}
    data.update(overrides)
    return data


def _counts():
    return Room.select().count(), Audit.select().count()


def test_save_room_creates_with_audit(branch):
    before_audits = Audit.select().count()
    room = save_room(room_data(branch.id))
    stored = get_room(room.id)
    assert stored.branch_id == branch.id
    assert stored.area_m2 == 45
    assert stored.build_cost == Decimal("20000.00")
    assert room_of_branch(branch.id).id == room.id
    assert Audit.select().count() == before_audits + 1
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("room", "create", room.id)
    assert json.loads(row.after)["build_cost"] == "20000.00"


def test_second_room_for_same_branch_refused(branch):
    save_room(room_data(branch.id))
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_room(room_data(branch.id, name="第二间活动室"))
    assert set(info.value.errors) == {"branch"}
    assert "居民一支部党员活动室" in info.value.errors["branch"]
    assert _counts() == before


def test_updating_the_room_is_not_a_second_room(branch):
    room = save_room(room_data(branch.id))
    save_room(room_data(branch.id, name="新名称", build_cost="1.6万"), room_id=room.id)
    assert Room.select().count() == 1
    stored = get_room(room.id)
    assert stored.name == "新名称"
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert row.action == "update"
    assert json.loads(row.before)["build_cost"] == "20000.00"
    assert json.loads(row.after)["build_cost"] == "16000.00"


def test_negative_build_cost_refused(branch):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_room(room_data(branch.id, build_cost="-100"))
    assert set(info.value.errors) == {"build_cost"}
    assert "负数" in info.value.errors["build_cost"]
    assert _counts() == before


def test_build_cost_in_wan_stored_in_fen(db, branch):
    room = save_room(room_data(branch.id, build_cost="1.6万"))
    assert get_room(room.id).build_cost == Decimal("16000.00")
    assert str(get_room(room.id).build_cost) == "16000.00"
    raw = db.execute_sql(f"SELECT build_cost FROM room WHERE id = {db.param}", (room.id,)).fetchone()[0]
    assert raw == 1600000


def test_empty_build_cost_is_zero(db, branch):
    room = save_room(room_data(branch.id, build_cost=""))
    assert get_room(room.id).build_cost == Decimal("0.00")
    assert db.execute_sql("SELECT build_cost FROM room").fetchone()[0] == 0


@pytest.mark.parametrize("field, value", [
    ("name", ""),
    ("area_m2", "0"),
    ("area_m2", "四十"),
    ("build_cost", "1.234"),
    ("manager", "张" * 31),
    ("branch", None),
    ("branch", "999"),
])
def test_bad_room_fields_refused(branch, field, value):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_room(room_data(branch.id, **{field: value}))
    assert field in info.value.errors
    assert _counts() == before


def test_several_room_errors_together(branch):
    with pytest.raises(ValidationError) as info:
        save_room(room_data(None, name="", build_cost="-1", area_m2="x"))
    assert {"name", "build_cost", "area_m2", "branch"} <= set(info.value.errors)


def test_missing_room(db):
    with pytest.raises(NotFound):
        get_room(77)
    assert room_of_branch(77) is None
