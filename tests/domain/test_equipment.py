"""The equipment ledger of a room (登记造册): money in fen, refusals write nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.conftest import TODAY

from branchtui.domain.branches import create_branch
from branchtui.domain.equipment import get_equipment, ledger, piece_for, save_equipment
from branchtui.domain.errors import NotFound, ValidationError
from branchtui.domain.rooms import save_room
from branchtui.domain.standards import add_item, create_standard, current_standard
from branchtui.store.models import Audit, Equipment


@pytest.fixture
def room(db):
    branch = create_branch({"name": "居民一支部"}, today=TODAY)
    return save_room({"branch": branch.id, "name": "居民一支部党员活动室"}, today=TODAY)


@pytest.fixture
def items(db):
    return {i.name: i for i in current_standard().items}


def piece_data(room_id, item_id, **overrides):
    data = {"room": room_id, "item": item_id, "name": "长虹彩电 29 寸", "asset_no": "DJ-2026-011",
            "purchase_date": "2026-03-08", "cost": "1000", "funding": "镇党委筹资", "condition": "完好"}
    data.update(overrides)
    return data


def _counts():
    return Equipment.select().count(), Audit.select().count()


def test_save_equipment_with_audit(room, items):
    before = Audit.select().count()
    piece = save_equipment(piece_data(room.id, items["彩电"].id), today=TODAY)
    stored = get_equipment(piece.id)
    assert stored.room_id == room.id
    assert stored.item_id == items["彩电"].id
    assert stored.purchase_date == dt.date(2026, 3, 8)
    assert stored.cost == Decimal("1000.00")
    assert stored.condition == "完好"
    assert Audit.select().count() == before + 1
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("equipment", "create", piece.id)
    assert json.loads(row.after)["cost"] == "1000.00"


def test_cost_in_wan_stored_in_fen(db, room, items):
    piece = save_equipment(piece_data(room.id, items["电话"].id, cost="0.03万"), today=TODAY)
    assert get_equipment(piece.id).cost == Decimal("300.00")
    raw = db.execute_sql(f"SELECT cost FROM equipment WHERE id = {db.param}", (piece.id,)).fetchone()[0]
    assert raw == 30000


def test_empty_cost_is_zero_and_condition_defaults_to_working(db, room, items):
    piece = save_equipment(piece_data(room.id, items["电话"].id, cost="", condition=""), today=TODAY)
    stored = get_equipment(piece.id)
    assert stored.cost == Decimal("0.00")
    assert stored.condition == "完好"


def test_piece_without_item_allowed(room):
    piece = save_equipment(piece_data(room.id, None, name="书柜"), today=TODAY)
    assert get_equipment(piece.id).item_id is None


def test_purchase_date_today_is_allowed(room, items):
    piece = save_equipment(piece_data(room.id, items["VCD"].id, purchase_date=TODAY), today=TODAY)
    assert get_equipment(piece.id).purchase_date == TODAY


@pytest.mark.parametrize("field, overrides", [
    ("cost", {"cost": "-100"}),
    ("cost", {"cost": "-0.03万"}),
    ("cost", {"cost": "一千"}),
    ("purchase_date", {"purchase_date": TODAY + dt.timedelta(days=1)}),
    ("purchase_date", {"purchase_date": "2027-01-01"}),
    ("purchase_date", {"purchase_date": "2026-02-30"}),
    ("room", {"room": 999}),
    ("room", {"room": None}),
    ("room", {"room": "abc"}),
    ("condition", {"condition": "坏了"}),
    ("condition", {"condition": "良好"}),
    ("name", {"name": ""}),
    ("item", {"item": 999}),
])
def test_bad_equipment_refused_and_writes_nothing(room, items, field, overrides):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_equipment(piece_data(room.id, items["彩电"].id, **overrides), today=TODAY)
    assert set(info.value.errors) == {field}
    assert _counts() == before


def test_negative_cost_message(room, items):
    with pytest.raises(ValidationError) as info:
        save_equipment(piece_data(room.id, items["彩电"].id, cost="-1"), today=TODAY)
    assert "负数" in info.value.errors["cost"]


def test_future_purchase_date_message(room, items):
    with pytest.raises(ValidationError) as info:
        save_equipment(piece_data(room.id, items["彩电"].id, purchase_date="2026-11-28"), today=TODAY)
    assert "晚于今天" in info.value.errors["purchase_date"]


def test_several_errors_together(room, items):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_equipment(piece_data(999, items["彩电"].id, cost="-5", condition="x",
                                  purchase_date="2030-01-01"), today=TODAY)
    assert set(info.value.errors) == {"room", "cost", "condition", "purchase_date"}
    assert _counts() == before


def test_update_leaves_audit_with_before_and_after(room, items):
    piece = save_equipment(piece_data(room.id, items["VCD"].id, name="新科 VCD 播放机",
                                      cost="300"), today=TODAY)
    before = _counts()
    save_equipment(piece_data(room.id, items["VCD"].id, name="新科 VCD 播放机", cost="300",
                              condition="损坏", notes="无法读盘"), equipment_id=piece.id, today=TODAY)
    assert _counts() == (before[0], before[1] + 1)  # no new piece, one audit row
    stored = get_equipment(piece.id)
    assert (stored.condition, stored.notes) == ("损坏", "无法读盘")
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("equipment", "update", piece.id)
    old, new = json.loads(row.before), json.loads(row.after)
    assert old["condition"] == "完好" and new["condition"] == "损坏"
    assert old["notes"] == "" and new["notes"] == "无法读盘"
    assert old["cost"] == new["cost"] == "300.00"
    assert old["room_id"] == new["room_id"] == room.id


def test_refused_update_changes_nothing(room, items):
    piece = save_equipment(piece_data(room.id, items["VCD"].id), today=TODAY)
    before = _counts()
    with pytest.raises(ValidationError):
        save_equipment(piece_data(room.id, items["VCD"].id, condition="损坏", cost="-1"),
                       equipment_id=piece.id, today=TODAY)
    assert _counts() == before
    stored = get_equipment(piece.id)
    assert (stored.condition, stored.cost) == ("完好", Decimal("1000.00"))


def test_update_of_missing_piece(room, items):
    with pytest.raises(NotFound):
        save_equipment(piece_data(room.id, items["VCD"].id), equipment_id=999, today=TODAY)
    with pytest.raises(NotFound):
        get_equipment(999)


def test_ledger_in_standard_order(room, items):
    save_equipment(piece_data(room.id, None, name="书柜"), today=TODAY)
    save_equipment(piece_data(room.id, items["电话"].id, name="步步高电话机"), today=TODAY)
    save_equipment(piece_data(room.id, items["彩电"].id, name="长虹彩电"), today=TODAY)
    save_equipment(piece_data(room.id, items["VCD"].id, name="新科 VCD"), today=TODAY)
    assert [p.name for p in ledger(room.id)] == ["长虹彩电", "新科 VCD", "步步高电话机", "书柜"]


def test_piece_for_prefers_a_working_piece(room, items):
    broken = save_equipment(piece_data(room.id, items["彩电"].id, condition="损坏"), today=TODAY)
    assert piece_for(room.id, items["彩电"].id).id == broken.id
    working = save_equipment(piece_data(room.id, items["彩电"].id, name="海信彩电"), today=TODAY)
    save_equipment(piece_data(room.id, items["彩电"].id, name="丢了的彩电", condition="丢失"),
                   today=TODAY)
    assert piece_for(room.id, items["彩电"].id).id == working.id
    assert piece_for(room.id, items["VCD"].id) is None


def test_piece_for_item_of_another_standard(room):
    six = create_standard({"name": "六有"})
    item = add_item(six.id, {"name": "电教设备", "category": "设施"})
    piece = save_equipment(piece_data(room.id, item.id, name="投影仪"), today=TODAY)
    assert piece_for(room.id, item.id).id == piece.id
