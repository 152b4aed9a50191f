"""Which rooms meet a standard: the latest inspection decides, the ledger is a second opinion."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY

from branchtui.domain.branches import create_branch
from branchtui.domain.compliance import invested_fen, latest_inspections, room_compliance
from branchtui.domain.equipment import save_equipment
from branchtui.domain.inspections import ItemResult, record_inspection
from branchtui.domain.rooms import save_room
from branchtui.domain.standards import add_item, create_standard, current_standard, get_standard

BOUGHT = dt.date(2026, 3, 8)


@pytest.fixture
def town(db):
    """Two branches, two rooms, no equipment and no inspections yet."""
    one = create_branch({"name": "居民一支部"}, today=TODAY)
    two = create_branch({"name": "居民二支部"}, today=TODAY)
    room_one = save_room({"branch": one.id, "name": "一支部活动室", "build_cost": "2万"}, today=TODAY)
    room_two = save_room({"branch": two.id, "name": "二支部活动室", "build_cost": "1.6万"}, today=TODAY)
    standard = current_standard()
    return {"one": one, "two": two, "room": room_one, "room_two": room_two, "standard": standard,
            "items": {i.name: i for i in standard.items}}


def buy(room, item, condition="完好", cost="1000", purchase_date=BOUGHT, name=None):
    return save_equipment({"room": room.id, "item": item.id if item else None,
                           "name": name or (item.name if item else "书柜"),
                           "purchase_date": purchase_date, "cost": cost, "condition": condition},
                          today=TODAY)


def equip(town, room=None):
    room = room or town["room"]
    return {name: buy(room, item) for name, item in town["items"].items()}


def inspect(town, date, failed=(), room=None, notes=None, standard=None, only=None):
    standard = standard or town["standard"]
    notes = notes or {}
    items = [i for i in standard.items if only is None or i.name in only]
    return record_inspection((room or town["room"]).id, {"date": date, "inspector": "张彩风"},
                             [ItemResult(i.id, i.name not in failed, notes.get(i.name, ""))
                              for i in items],
                             standard_id=standard.id, today=TODAY)


def of(room, standard=None, as_of=None):
    (row,) = room_compliance(standard, as_of=as_of, room_id=room.id)
    return row


def cell(row, name):
    (found,) = [c for c in row.cells if c.item == name]
    return found


# ------------------------------------------------------------------ (1) the ledger


def test_ledger_counts_only_working_pieces(town):
    items, room = town["items"], town["room"]
    buy(room, items["彩电"], "完好")
    buy(room, items["VCD"], "损坏")
    buy(room, items["电话"], "丢失")
    row = of(room)
    assert [(c.item, c.ledger) for c in row.cells] == [("彩电", True), ("VCD", False), ("电话", False)]


def test_ledger_without_pieces_is_false_for_equipment_items(town):
    row = of(town["room"])
    assert [c.ledger for c in row.cells] == [False, False, False]


def test_one_broken_one_working_piece_is_present(town):
    items, room = town["items"], town["room"]
    buy(room, items["彩电"], "损坏", name="旧彩电")
    assert cell(of(room), "彩电").ledger is False
    buy(room, items["彩电"], "完好", name="新彩电")
    assert cell(of(room), "彩电").ledger is True
    # in either order
    buy(room, items["VCD"], "完好", name="新 VCD")
    buy(room, items["VCD"], "丢失", name="旧 VCD")
    assert cell(of(room), "VCD").ledger is True


def test_ledger_is_per_room(town):
    buy(town["room_two"], town["items"]["彩电"])
    assert cell(of(town["room"]), "彩电").ledger is False
    assert cell(of(town["room_two"]), "彩电").ledger is True


def test_piece_without_item_does_not_count(town):
    buy(town["room"], None, name="长虹彩电")  # not linked to the 彩电 item
    assert cell(of(town["room"]), "彩电").ledger is False


def test_broken_then_repaired_piece(town):
    items, room = town["items"], town["room"]
    vcd = buy(room, items["VCD"], "损坏")
    assert cell(of(room), "VCD").ledger is False
    save_equipment({"room": room.id, "item": items["VCD"].id, "name": vcd.name, "cost": "1000",
                    "purchase_date": BOUGHT, "condition": "完好", "notes": "已修复"},
                   equipment_id=vcd.id, today=TODAY)
    assert cell(of(room), "VCD").ledger is True


# ------------------------------------------------------------------ (2) the latest inspection


def test_older_failure_then_pass_meets(town):
    equip(town)
    inspect(town, "2026-06-15", failed={"VCD"})
    inspect(town, "2026-10-08")
    row = of(town["room"])
    assert row.meets is True
    assert row.missing == []
    assert row.passed == 3
    assert row.last_inspected == dt.date(2026, 10, 8)


def test_older_pass_then_failure_does_not_meet(town):
    equip(town)
    inspect(town, "2026-06-15")
    inspect(town, "2026-10-08", failed={"VCD"}, notes={"VCD": "无法读盘"})
    row = of(town["room"])
    assert row.meets is False
    assert row.missing == ["VCD"]
    assert row.passed == 2
    assert row.last_inspected == dt.date(2026, 10, 8)
    assert cell(row, "VCD").inspected is False
    assert cell(row, "VCD").note == "无法读盘"
    assert cell(row, "彩电").inspected is True


def test_latest_is_by_date_not_by_entry_order(town):
    equip(town)
    inspect(town, "2026-10-08")  # entered first, but the newest
    inspect(town, "2026-06-15", failed={"彩电", "电话"})  # an old paper form entered late
    row = of(town["room"])
    assert row.meets is True
    assert row.last_inspected == dt.date(2026, 10, 8)


def test_same_date_the_later_entry_wins(town):
    equip(town)
    inspect(town, "2026-10-08")
    second = inspect(town, "2026-10-08", failed={"电话"})
    row = of(town["room"])
    assert row.meets is False
    assert row.missing == ["电话"]
    latest = {i.room_id: i.id for i in latest_inspections(town["standard"].id)}
    assert latest == {town["room"].id: second.id}
    # and the reverse order
    inspect(town, "2026-10-08")
    assert of(town["room"]).meets is True


def test_only_the_latest_inspection_counts_not_a_merge(town):
    equip(town)
    inspect(town, "2026-06-15")
    inspect(town, "2026-10-08", only={"彩电", "VCD"})  # 电话 not looked at this time
    row = of(town["room"])
    assert cell(row, "电话").inspected is None
    assert row.meets is False
    assert row.missing == ["电话"]  # never inspected counts as missing


def test_each_room_has_its_own_latest(town):
    equip(town)
    equip(town, town["room_two"])
    inspect(town, "2026-06-15", failed={"VCD"})
    inspect(town, "2026-10-08", room=town["room_two"])
    inspect(town, "2026-11-01", room=town["room_two"], failed={"彩电"})
    inspect(town, "2026-10-08")
    rows = {r.room: r for r in room_compliance(as_of=TODAY)}
    assert list(rows) == ["一支部活动室", "二支部活动室"]
    assert rows["一支部活动室"].meets is True
    assert rows["二支部活动室"].missing == ["彩电"]
    assert rows["二支部活动室"].last_inspected == dt.date(2026, 11, 1)
    assert (rows["二支部活动室"].branch, rows["二支部活动室"].branch_id) == ("居民二支部", town["two"].id)


# ------------------------------------------------------------------ (3) disagreement


def test_inspection_passed_but_ledger_broken_disagrees(town):
    items, room = town["items"], town["room"]
    buy(room, items["彩电"])
    buy(room, items["VCD"], "损坏")
    buy(room, items["电话"])
    inspect(town, "2026-10-08")
    row = of(room)
    vcd = cell(row, "VCD")
    assert (vcd.inspected, vcd.ledger) == (True, False)
    assert vcd.disagrees is True
    assert row.disagreements == ["VCD"]
    assert not cell(row, "彩电").disagrees
    assert row.meets is True  # the inspection decides; the disagreement is shown


def test_inspection_failed_but_ledger_working_disagrees(town):
    equip(town)
    inspect(town, "2026-10-08", failed={"电话"})
    row = of(town["room"])
    assert row.disagreements == ["电话"]
    assert row.missing == ["电话"]


def test_no_disagreement_when_both_agree(town):
    items, room = town["items"], town["room"]
    buy(room, items["彩电"])
    buy(room, items["VCD"], "丢失")
    buy(room, items["电话"])
    inspect(town, "2026-10-08", failed={"VCD"})
    assert of(room).disagreements == []


def test_not_inspected_cannot_disagree(town):
    buy(town["room"], town["items"]["彩电"], "损坏")
    row = of(town["room"])
    assert row.disagreements == []
    assert all(not c.disagrees for c in row.cells)


# ------------------------------------------------------------------ (4) never inspected


def test_no_inspection_yet(town):
    equip(town)
    row = of(town["room"])
    assert row.meets is False
    assert row.last_inspected is None
    assert row.passed == 0
    assert row.missing == ["彩电", "VCD", "电话"]
    assert [c.inspected for c in row.cells] == [None, None, None]
    assert [c.ledger for c in row.cells] == [True, True, True]


def test_every_room_is_listed(town):
    inspect(town, "2026-10-08")
    rows = room_compliance()
    assert [r.room_id for r in rows] == [town["room"].id, town["room_two"].id]
    assert [r.meets for r in rows] == [True, False]
    assert [r.last_inspected for r in rows] == [dt.date(2026, 10, 8), None]


def test_no_rooms(db):
    assert room_compliance() == []


# ------------------------------------------------------------------ (5) as of a date


def test_inspection_after_as_of_is_ignored(town):
    equip(town)
    inspect(town, "2026-06-15", failed={"VCD"})
    inspect(town, "2026-10-08")
    room = town["room"]
    assert of(room, as_of=dt.date(2026, 6, 14)).last_inspected is None
    assert of(room, as_of=dt.date(2026, 6, 14)).meets is False
    between = of(room, as_of=dt.date(2026, 8, 1))
    assert between.last_inspected == dt.date(2026, 6, 15)
    assert between.missing == ["VCD"]
    assert of(room, as_of=dt.date(2026, 10, 7)).missing == ["VCD"]
    on_the_day = of(room, as_of=dt.date(2026, 10, 8))
    assert on_the_day.meets is True
    assert on_the_day.last_inspected == dt.date(2026, 10, 8)
    assert of(room, as_of=TODAY).meets is True


def test_as_of_with_reverse_entry_order(town):
    """A later-dated inspection entered first must not hide the earlier one as of before it."""
    equip(town)
    inspect(town, "2026-10-08")
    inspect(town, "2026-06-15", failed={"电话"})
    row = of(town["room"], as_of=dt.date(2026, 8, 1))
    assert row.last_inspected == dt.date(2026, 6, 15)
    assert row.missing == ["电话"]


def test_equipment_bought_after_as_of_not_in_ledger(town):
    items, room = town["items"], town["room"]
    buy(room, items["彩电"], purchase_date=dt.date(2026, 3, 8))
    buy(room, items["VCD"], purchase_date=dt.date(2026, 9, 1))
    buy(room, items["电话"], purchase_date=None)  # no date: always in the ledger
    assert [c.ledger for c in of(room, as_of=dt.date(2026, 3, 7)).cells] == [False, False, True]
    assert [c.ledger for c in of(room, as_of=dt.date(2026, 3, 8)).cells] == [True, False, True]
    assert [c.ledger for c in of(room, as_of=dt.date(2026, 8, 31)).cells] == [True, False, True]
    assert [c.ledger for c in of(room, as_of=dt.date(2026, 9, 1)).cells] == [True, True, True]
    assert [c.ledger for c in of(room).cells] == [True, True, True]


# ------------------------------------------------------------------ (6) money


def test_invested_fen(town):
    assert invested_fen() == 2000000 + 1600000
    buy(town["room"], town["items"]["彩电"], cost="1000")
    buy(town["room"], town["items"]["VCD"], cost="0.03万")
    buy(town["room_two"], town["items"]["电话"], cost="199.99", purchase_date=dt.date(2026, 9, 1))
    buy(town["room_two"], None, cost="50.5", purchase_date=None)
    assert invested_fen() == 2000000 + 1600000 + 100000 + 30000 + 19999 + 5050
    assert isinstance(invested_fen(), int)
    # as of a date: equipment bought later is not yet invested
    assert invested_fen(dt.date(2026, 8, 31)) == 2000000 + 1600000 + 100000 + 30000 + 5050


def test_invested_fen_empty(db):
    assert invested_fen() == 0


# ------------------------------------------------------------------ (7) another standard


@pytest.fixture
def six(town):
    standard = create_standard({"name": "六有"})
    for name, category in (("活动场所", "场所"), ("电教设备", "设施"), ("管理制度", "制度")):
        add_item(standard.id, {"name": name, "category": category})
    return get_standard(standard.id)


def test_second_standard_not_inspected(town, six):
    equip(town)
    inspect(town, "2026-10-08")
    san = of(town["room"])
    assert san.meets is True
    row = of(town["room"], standard=six)
    assert row.meets is False
    assert row.last_inspected is None
    assert row.missing == ["活动场所", "电教设备", "管理制度"]
    # the ledger has a say on equipment items only
    assert [(c.item, c.ledger) for c in row.cells] == [
        ("活动场所", None), ("电教设备", False), ("管理制度", None)]
    # the current standard is still 三个一
    assert of(town["room"]).meets is True


def test_inspections_of_one_standard_do_not_mask_another(town, six):
    equip(town)
    inspect(town, "2026-10-08")
    inspect(town, "2026-11-01", standard=six, failed={"管理制度"})  # later, but another standard
    assert of(town["room"]).meets is True
    assert of(town["room"]).last_inspected == dt.date(2026, 10, 8)
    assert of(town["room"], as_of=TODAY).meets is True
    row = of(town["room"], standard=six)
    assert row.missing == ["管理制度"]
    assert row.last_inspected == dt.date(2026, 11, 1)


def test_second_standard_equipment_item_with_a_piece(town, six):
    device = [i for i in six.items if i.name == "电教设备"][0]
    buy(town["room"], device, name="投影仪")
    inspect(town, "2026-11-01", standard=six)
    row = of(town["room"], standard=six)
    assert row.meets is True
    assert [(c.item, c.ledger) for c in row.cells] == [
        ("活动场所", None), ("电教设备", True), ("管理制度", None)]
    # a piece for 六有 does not count for 三个一
    assert [c.ledger for c in of(town["room"]).cells] == [False, False, False]


def test_standard_without_items_is_never_met(town):
    empty = get_standard(create_standard({"name": "空标准"}).id)
    row = of(town["room"], standard=empty)
    assert row.cells == ()
    assert row.meets is False
