"""Branch scope derived through parents, compared before and after a change,
from the stored row: the repros of issue 10 end in a refusal."""

from __future__ import annotations

import pytest

from branchtui.domain import access
from branchtui.domain.access import PermissionDenied
from branchtui.domain.equipment import save_equipment
from branchtui.domain.room_rules import save_rule
from branchtui.domain.standards import create_standard, current_standard, set_current
from branchtui.store.models import Equipment, Room, RoomRule
from branchtui.store.users import User
from tests.conftest import TODAY, login_as


@pytest.fixture
def staff(demo_db, monkeypatch):
    login_as("root")
    access.add_user("root", "admin")
    access.add_user("boss", "admin")
    access.add_user("sec2", "secretary", "居民二支部")
    access.add_user("kan", "viewer")
    return monkeypatch


def _piece_data(piece, room_id):
    return {"name": piece.name, "asset_no": piece.asset_no, "cost": piece.cost, "funding": piece.funding,
            "condition": piece.condition, "room": room_id, "item": piece.item_id or ""}


def _rooms():
    return Room.get(Room.branch == 1).id, Room.get(Room.branch == 2).id


def test_secretary_may_not_take_another_branchs_equipment_into_its_room(staff):
    one, two = _rooms()
    tv = Equipment.select().where(Equipment.room == one).first()
    login_as("sec2")
    with pytest.raises(PermissionDenied, match="居民一支部"):
        save_equipment(_piece_data(tv, two), equipment_id=tv.id, today=TODAY)
    assert Equipment.get_by_id(tv.id).room_id == one


def test_secretary_may_not_move_its_equipment_out_to_another_branch(staff):
    one, two = _rooms()
    piece = Equipment.select().where(Equipment.room == two).first()
    login_as("sec2")
    with pytest.raises(PermissionDenied):
        save_equipment(_piece_data(piece, one), equipment_id=piece.id, today=TODAY)
    assert Equipment.get_by_id(piece.id).room_id == two
    save_equipment(_piece_data(piece, two) | {"notes": "本支部的可以改"}, equipment_id=piece.id, today=TODAY)
    assert Equipment.get_by_id(piece.id).notes == "本支部的可以改"


def test_secretary_may_not_take_over_another_branchs_room_rules(staff):
    one, two = _rooms()
    rule = RoomRule.select().where(RoomRule.room == one).first()
    login_as("sec2")
    with pytest.raises(PermissionDenied):
        save_rule({"name": rule.name, "room": two}, rule_id=rule.id, today=TODAY)
    assert RoomRule.get_by_id(rule.id).room_id == one


def test_viewer_and_secretary_may_not_switch_the_current_standard(staff):
    six = create_standard({"name": "六有"})
    before = current_standard().id
    for login in ("kan", "sec2"):
        login_as(login)
        with pytest.raises(PermissionDenied):
            set_current(six.id)
    assert current_standard().id == before


def test_secretary_may_not_promote_itself_or_register_an_admin(staff):
    login_as("sec2")
    with pytest.raises(PermissionDenied):
        access.add_user("sec2-admin", "admin")
    with pytest.raises(PermissionDenied):
        access.remove_user("sec2")
    assert User.get(User.login == "sec2").role == "secretary"


def test_nobody_removes_their_own_registration_while_others_remain(staff):
    with pytest.raises(PermissionDenied, match="自己"):
        access.remove_user("root")
    login_as("boss")
    access.remove_user("root")
    assert not User.select().where(User.login == "root").exists()
