"""Room standards as data: 三个一 built in, 六有 and others added by hand."""

from __future__ import annotations

import json

import pytest

from branchtui.domain.errors import NotFound, ValidationError
from branchtui.domain.standards import (
    CATEGORIES,
    add_item,
    create_standard,
    current_standard,
    get_standard,
    item_choices,
    list_standards,
    set_current,
)
from branchtui.store.models import Audit, Standard, StandardItem

SIX = (("活动场所", "场所"), ("党旗党徽", "标识"), ("电教设备", "设施"),
       ("管理制度", "制度"), ("学习资料", "资料"), ("活动记录", "记录"))


def _counts():
    return Standard.select().count(), StandardItem.select().count(), Audit.select().count()


@pytest.fixture
def six(db):
    standard = create_standard({"name": "六有", "description": "有场所、有标识、有设备……"})
    for name, category in SIX:
        add_item(standard.id, {"name": name, "category": category, "requirement": f"{name}齐全"})
    return get_standard(standard.id)


# ------------------------------------------------------------------ built in


def test_fresh_database_has_san_ge_yi(db):
    standards = list_standards()
    assert [s.name for s in standards] == ["三个一"]
    current = current_standard()
    assert current is not None
    assert current.name == "三个一"
    assert current.is_current is True
    assert [i.name for i in current.items] == ["彩电", "VCD", "电话"]
    assert {i.category for i in current.items} == {"设施"}
    assert all(i.requirement for i in current.items)
    assert Standard.select().where(Standard.is_current == True).count() == 1  # noqa: E712


def test_get_standard_matches_current(db):
    current = current_standard()
    assert get_standard(current.id) == current


def test_missing_standard(db):
    with pytest.raises(NotFound):
        get_standard(999)
    with pytest.raises(NotFound):
        add_item(999, {"name": "彩电"})
    with pytest.raises(NotFound):
        set_current(999)


# ------------------------------------------------------------------ new standards


def test_create_standard_with_items(six):
    assert six.name == "六有"
    assert six.description == "有场所、有标识、有设备……"
    assert six.is_current is False  # 三个一 stays current
    assert [(i.name, i.category) for i in six.items] == list(SIX)
    assert six.items[0].requirement == "活动场所齐全"
    positions = [StandardItem.get_by_id(i.id).position for i in six.items]
    assert positions == list(range(len(SIX)))
    assert current_standard().name == "三个一"
    assert [s.name for s in list_standards()] == ["三个一", "六有"]
    # items of each standard stay with it
    assert [i.name for i in list_standards()[0].items] == ["彩电", "VCD", "电话"]


def test_create_standard_writes_audit(db):
    before = Audit.select().count()
    standard = create_standard({"name": " 七有 "})
    assert standard.name == "七有"
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert Audit.select().count() == before + 1
    assert (row.table, row.action, row.row_id) == ("standard", "create", standard.id)
    assert json.loads(row.after)["name"] == "七有"
    item = add_item(standard.id, {"name": "活动场所", "category": "场所"})
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("standard_item", "create", item.id)
    assert json.loads(row.after)["standard_id"] == standard.id


def test_item_category_defaults_to_facility(db):
    standard = create_standard({"name": "六有"})
    item = add_item(standard.id, {"name": "电话", "category": ""})
    assert StandardItem.get_by_id(item.id).category == "设施"


def test_item_choices_cover_every_standard(six):
    labels = [label for label, _id in item_choices()]
    assert labels[:3] == ["三个一 · 彩电", "三个一 · VCD", "三个一 · 电话"]
    assert "六有 · 管理制度" in labels
    assert len(labels) == 3 + len(SIX)


@pytest.mark.parametrize("name", ["三个一", " 三个一 "])
def test_duplicate_standard_name_refused(db, name):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        create_standard({"name": name})
    assert set(info.value.errors) == {"name"}
    assert "三个一" in info.value.errors["name"]
    assert _counts() == before


def test_empty_standard_name_refused(db):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        create_standard({"name": "  "})
    assert set(info.value.errors) == {"name"}
    assert _counts() == before


def test_duplicate_item_name_refused(six):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        add_item(six.id, {"name": "管理制度", "category": "制度"})
    assert set(info.value.errors) == {"name"}
    assert "管理制度" in info.value.errors["name"]
    assert _counts() == before
    # the built-in items too
    with pytest.raises(ValidationError) as info:
        add_item(current_standard().id, {"name": "VCD"})
    assert "name" in info.value.errors
    assert _counts() == before


def test_same_item_name_in_another_standard_allowed(six):
    item = add_item(six.id, {"name": "彩电", "category": "设施"})
    assert item.standard_id == six.id
    assert [i.name for i in get_standard(six.id).items][-1] == "彩电"


@pytest.mark.parametrize("category", ["设备", "其他", "facility"])
def test_bad_category_refused(six, category):
    assert category not in CATEGORIES
    before = _counts()
    with pytest.raises(ValidationError) as info:
        add_item(six.id, {"name": "新项目", "category": category})
    assert set(info.value.errors) == {"category"}
    assert _counts() == before


# ------------------------------------------------------------------ current


def _current_names():
    return [s.name for s in Standard.select().where(Standard.is_current == True)]  # noqa: E712


def test_set_current_makes_exactly_one_current(six):
    old = current_standard()
    before = Audit.select().count()
    set_current(six.id)
    assert _current_names() == ["六有"]
    assert current_standard().name == "六有"
    assert current_standard().id == six.id
    assert [i.name for i in current_standard().items] == [n for n, _c in SIX]
    rows = list(Audit.select().where(Audit.id > 0).order_by(Audit.id))[before:]
    assert len(rows) == 2
    by_row = {r.row_id: r for r in rows}
    assert set(by_row) == {old.id, six.id}
    assert all((r.table, r.action) == ("standard", "update") for r in rows)
    # Whole rows now, as for every write through the gate.
    assert json.loads(by_row[old.id].before)["is_current"] is True
    assert json.loads(by_row[old.id].after)["is_current"] is False
    assert json.loads(by_row[six.id].before)["is_current"] is False
    assert json.loads(by_row[six.id].after)["is_current"] is True

    # and back again
    set_current(old.id)
    assert _current_names() == ["三个一"]
    assert current_standard().id == old.id


def test_set_current_on_the_current_one_changes_nothing(six):
    before = Audit.select().count()
    set_current(current_standard().id)
    assert _current_names() == ["三个一"]
    assert Audit.select().count() == before


def test_set_current_with_three_standards(six):
    seven = create_standard({"name": "七有"})
    set_current(seven.id)
    assert _current_names() == ["七有"]
    set_current(six.id)
    assert _current_names() == ["六有"]
    assert {s.name: s.is_current for s in list_standards()} == {
        "三个一": False, "六有": True, "七有": False}


def test_current_standard_when_none_marked(six):
    Standard.update(is_current=False).execute()
    assert current_standard().name == "三个一"  # the first one


def test_first_standard_of_an_empty_table_becomes_current(db):
    Standard.delete().execute()  # items go with it (ON DELETE CASCADE)
    assert StandardItem.select().count() == 0
    assert current_standard() is None
    standard = create_standard({"name": "六有"})
    assert Standard.get_by_id(standard.id).is_current is True
    assert current_standard().name == "六有"
    second = create_standard({"name": "七有"})
    assert Standard.get_by_id(second.id).is_current is False
