"""Inspections of rooms against a standard: validated, one transaction, history kept."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY

from branchtui.domain import audit
from branchtui.domain.branches import create_branch
from branchtui.domain.errors import ValidationError
from branchtui.domain.inspections import ItemResult, history, record_inspection, record_round
from branchtui.domain.rooms import save_room
from branchtui.domain.standards import add_item, create_standard, current_standard
from branchtui.store.models import Audit, Inspection, InspectionResult


@pytest.fixture
def rooms(db):
    out = []
    for numeral in "一二三":
        branch = create_branch({"name": f"居民{numeral}支部"}, today=TODAY)
        out.append(save_room({"branch": branch.id, "name": f"居民{numeral}支部党员活动室"}, today=TODAY))
    return out


@pytest.fixture
def standard(db):
    return current_standard()


@pytest.fixture
def items(standard):
    return {i.name: i for i in standard.items}


def all_pass(standard, note=""):
    return [ItemResult(i.id, True, note) for i in standard.items]


def header(**overrides):
    data = {"date": "2026-10-08", "inspector": "张秀玲", "notes": "第二轮检查"}
    data.update(overrides)
    return data


def _counts():
    return Inspection.select().count(), InspectionResult.select().count(), Audit.select().count()


# ------------------------------------------------------------------ recording


def test_record_inspection(rooms, standard, items):
    room = rooms[0]
    before = _counts()
    results = [ItemResult(items["彩电"].id, True), ItemResult(items["VCD"].id, False, " 无法读盘 "),
               ItemResult(items["电话"].id, True)]
    inspection = record_inspection(room.id, header(), results, standard_id=standard.id, today=TODAY)
    stored = Inspection.get_by_id(inspection.id)
    assert stored.room_id == room.id
    assert stored.standard_id == standard.id
    assert stored.date == dt.date(2026, 10, 8)
    assert stored.inspector == "张秀玲"
    assert stored.notes == "第二轮检查"
    rows = {r.item_id: r for r in InspectionResult.select().where(InspectionResult.inspection == stored.id)}
    assert set(rows) == {i.id for i in standard.items}
    assert rows[items["VCD"].id].passed is False
    assert rows[items["VCD"].id].note == "无法读盘"
    assert rows[items["彩电"].id].passed is True
    # one inspection, three results, each with an audit row
    assert _counts() == (before[0] + 1, before[1] + 3, before[2] + 4)


def test_inspection_today_allowed(rooms, standard):
    inspection = record_inspection(rooms[0].id, header(date=TODAY), all_pass(standard),
                                   standard_id=standard.id, today=TODAY)
    assert Inspection.get_by_id(inspection.id).date == TODAY


@pytest.mark.parametrize("date", [TODAY + dt.timedelta(days=1), "2026-11-28", "2027.1.1"])
def test_future_date_refused(rooms, standard, date):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        record_inspection(rooms[0].id, header(date=date), all_pass(standard),
                          standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"date"}
    assert "晚于今天" in info.value.errors["date"]
    assert _counts() == before


@pytest.mark.parametrize("date", ["", None, "2026-02-30", "昨天"])
def test_missing_or_bad_date_refused(rooms, standard, date):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        record_inspection(rooms[0].id, header(date=date), all_pass(standard),
                          standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"date"}
    assert _counts() == before


@pytest.mark.parametrize("inspector", ["", "   ", None])
def test_empty_inspector_refused(rooms, standard, inspector):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        record_inspection(rooms[0].id, header(inspector=inspector), all_pass(standard),
                          standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"inspector"}
    assert _counts() == before


def test_item_of_another_standard_refused(rooms, standard):
    six = create_standard({"name": "六有"})
    place = add_item(six.id, {"name": "活动场所", "category": "场所"})
    before = _counts()
    with pytest.raises(ValidationError) as info:
        record_inspection(rooms[0].id, header(), all_pass(standard) + [ItemResult(place.id, True)],
                          standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"results"}
    assert "活动场所" in info.value.errors["results"]
    assert _counts() == before
    # and the other way round: 三个一's items are not 六有's
    with pytest.raises(ValidationError) as info:
        record_inspection(rooms[0].id, header(), [ItemResult(place.id, True)] + all_pass(standard)[:1],
                          standard_id=six.id, today=TODAY)
    assert set(info.value.errors) == {"results"}
    assert "彩电" in info.value.errors["results"]
    assert _counts() == before


def test_unknown_item_refused(rooms, standard):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        record_inspection(rooms[0].id, header(), [ItemResult(999, True)],
                          standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"results"}
    assert _counts() == before


def test_duplicate_item_refused(rooms, standard, items):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        record_inspection(rooms[0].id, header(),
                          all_pass(standard) + [ItemResult(items["VCD"].id, False)],
                          standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"results"}
    assert "同一项目" in info.value.errors["results"]
    assert _counts() == before


def test_no_results_refused(rooms, standard):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        record_inspection(rooms[0].id, header(), [], standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"results"}
    assert _counts() == before


def test_overlong_note_refused(rooms, standard, items):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        record_inspection(rooms[0].id, header(), [ItemResult(items["彩电"].id, False, "坏" * 201)],
                          standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"results"}
    assert _counts() == before


def test_several_header_errors_together(rooms, standard):
    with pytest.raises(ValidationError) as info:
        record_inspection(rooms[0].id, header(date="2030-01-01", inspector=""), [],
                          standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"date", "inspector", "results"}


# ------------------------------------------------------------------ rounds


def test_round_over_several_rooms(rooms, standard, items):
    before = _counts()
    plan = {r.id: all_pass(standard) for r in rooms}
    plan[rooms[1].id] = [ItemResult(items["彩电"].id, True), ItemResult(items["VCD"].id, False, "损坏")]
    created = record_round(header(), plan, standard_id=standard.id, today=TODAY)
    assert [i.room_id for i in created] == [r.id for r in rooms]
    assert Inspection.select().count() == before[0] + 3
    assert InspectionResult.select().count() == before[1] + 3 + 2 + 3
    stored = list(Inspection.select().order_by(Inspection.id))[-3:]
    assert {(i.date, i.inspector, i.notes, i.standard_id) for i in stored} == {
        (dt.date(2026, 10, 8), "张秀玲", "第二轮检查", standard.id)}
    assert sorted(i.room_id for i in stored) == sorted(r.id for r in rooms)
    for inspection in created:
        n = InspectionResult.select().where(InspectionResult.inspection == inspection.id).count()
        assert n == len(plan[inspection.room_id])
    # every row written has its audit row
    assert Audit.select().count() == before[2] + 3 + 8


def test_round_with_a_bogus_room_writes_nothing(rooms, standard):
    before = _counts()
    plan = {rooms[0].id: all_pass(standard), 999: all_pass(standard), rooms[2].id: all_pass(standard)}
    with pytest.raises(ValidationError) as info:
        record_round(header(), plan, standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"results"}
    assert "活动室" in info.value.errors["results"]
    assert _counts() == before


def test_round_with_one_bad_room_result_writes_nothing(rooms, standard, items):
    before = _counts()
    plan = {r.id: all_pass(standard) for r in rooms}
    plan[rooms[2].id] = all_pass(standard) + [ItemResult(items["电话"].id, True)]
    with pytest.raises(ValidationError) as info:
        record_round(header(), plan, standard_id=standard.id, today=TODAY)
    assert "results" in info.value.errors
    assert _counts() == before


def test_empty_round_refused(rooms, standard):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        record_round(header(), {}, standard_id=standard.id, today=TODAY)
    assert set(info.value.errors) == {"results"}
    assert _counts() == before


def test_round_is_one_transaction(rooms, standard, monkeypatch):
    """A failure while writing the third room undoes the first two."""
    before = _counts()
    real = audit.save_audited
    seen = []

    def failing(instance, before=None):
        if isinstance(instance, Inspection):
            seen.append(instance)
            if len(seen) == 3:
                raise RuntimeError("disk full")
        real(instance, before)

    monkeypatch.setattr(audit, "save_audited", failing)
    with pytest.raises(RuntimeError):
        record_round(header(), {r.id: all_pass(standard) for r in rooms},
                     standard_id=standard.id, today=TODAY)
    monkeypatch.undo()
    assert len(seen) == 3
    assert _counts() == before


# ------------------------------------------------------------------ history


def test_history_newest_first_with_failed_items(rooms, standard, items):
    room = rooms[0]
    first = record_inspection(room.id, header(date="2026-06-15", inspector="张彩风"),
                              [ItemResult(items["彩电"].id, True),
                               ItemResult(items["VCD"].id, False, "VCD 损坏，无法播放"),
                               ItemResult(items["电话"].id, False)],
                              standard_id=standard.id, today=TODAY)
    second = record_inspection(room.id, header(date="2026-10-08"), all_pass(standard),
                               standard_id=standard.id, today=TODAY)
    # recorded later but dated earlier: sorts by date, not by entry order
    earliest = record_inspection(room.id, header(date="2026-03-01", inspector="王建国"),
                                 [ItemResult(items["电话"].id, False, "无线路")],
                                 standard_id=standard.id, today=TODAY)
    # another room's inspection is not in this history
    record_inspection(rooms[1].id, header(date="2026-11-01"), all_pass(standard),
                      standard_id=standard.id, today=TODAY)

    rows = history(room.id)
    assert [r.id for r in rows] == [second.id, first.id, earliest.id]
    assert [r.date for r in rows] == [dt.date(2026, 10, 8), dt.date(2026, 6, 15), dt.date(2026, 3, 1)]
    newest, middle, oldest = rows
    assert (newest.inspector, newest.standard, newest.passed, newest.total, newest.failed_items) == (
        "张秀玲", "三个一", 3, 3, ())
    assert (middle.inspector, middle.passed, middle.total) == ("张彩风", 1, 3)
    assert middle.failed_items == ("VCD（VCD 损坏，无法播放）", "电话")
    assert (oldest.passed, oldest.total, oldest.failed_items) == (0, 1, ("电话（无线路）",))


def test_history_same_day_newest_entry_first(rooms, standard, items):
    room = rooms[0]
    a = record_inspection(room.id, header(), all_pass(standard), standard_id=standard.id, today=TODAY)
    b = record_inspection(room.id, header(), [ItemResult(items["彩电"].id, False)],
                          standard_id=standard.id, today=TODAY)
    assert [r.id for r in history(room.id)] == [b.id, a.id]


def test_history_names_the_standard(rooms, standard):
    six = create_standard({"name": "六有"})
    place = add_item(six.id, {"name": "活动场所", "category": "场所"})
    record_inspection(rooms[0].id, header(date="2026-10-01"), all_pass(standard),
                      standard_id=standard.id, today=TODAY)
    record_inspection(rooms[0].id, header(date="2026-10-02"), [ItemResult(place.id, False, "太小")],
                      standard_id=six.id, today=TODAY)
    rows = history(rooms[0].id)
    assert [(r.standard, r.failed_items) for r in rows] == [("六有", ("活动场所（太小）",)), ("三个一", ())]


def test_history_limit_and_empty(rooms, standard):
    assert history(rooms[0].id) == []
    for day in range(1, 6):
        record_inspection(rooms[0].id, header(date=dt.date(2026, 10, day)), all_pass(standard),
                          standard_id=standard.id, today=TODAY)
    rows = history(rooms[0].id, limit=2)
    assert [r.date for r in rows] == [dt.date(2026, 10, 5), dt.date(2026, 10, 4)]
