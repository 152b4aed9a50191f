"""The committee and its branches."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import TODAY

from branchtui.domain import identity
from branchtui.domain.branches import (
    branch_choices,
    committee_name,
    create_branch,
    ensure_committee,
    get_branch,
    search_branches,
    update_branch,
)
from branchtui.domain.errors import NotFound, ValidationError
from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import create_member, update_member
from branchtui.store.models import Audit, Branch, Committee


def _member(branch_id, name, sequence, status="正常"):
    birth = dt.date(1960 + sequence % 30, 1 + sequence % 12, 1 + sequence % 28)
    return create_member({
        "branch": branch_id, "name": name, "birth_date": birth,
        "id_number": make_id_number("410403", birth, sequence),
        "join_date": dt.date(1990, 7, 1) if birth.year < 1970 else dt.date(2000, 7, 1),
        "status": status,
    }, today=TODAY)


def _counts():
    return Branch.select().count(), Audit.select().count()


def test_create_branch_with_committee_and_audit(db, monkeypatch):
    identity.set_login_for_tests("zuzhi")
    assert committee_name() == "镇党委"  # nothing stored yet
    branch = create_branch({"name": " 居民一支部 ", "community": "一区居委会", "founded": "1984.7.1",
                            "phone": "0375-4920000"}, today=TODAY)
    stored = get_branch(branch.id)
    assert stored.name == "居民一支部"
    assert stored.founded == dt.date(1984, 7, 1)
    assert stored.committee_id == Committee.get().id
    assert "jumin" in stored.name_pinyin and "jm" in stored.name_initials
    rows = list(Audit.select().order_by(Audit.id))
    assert [(r.table, r.action) for r in rows] == [("committee", "create"), ("branch", "create")]
    assert json.loads(rows[1].after)["name"] == "居民一支部"
    assert {r.login for r in rows} == {"zuzhi"}
    # only one committee, however many branches
    create_branch({"name": "居民二支部"}, today=TODAY)
    assert Committee.select().count() == 1
    assert ensure_committee().id == stored.committee_id
    assert branch_choices() == [("居民一支部", branch.id), ("居民二支部", branch.id + 1)]


def test_duplicate_name_refused(db):
    create_branch({"name": "居民一支部"}, today=TODAY)
    before = _counts()
    with pytest.raises(ValidationError) as info:
        create_branch({"name": "居民一支部", "community": "别处"}, today=TODAY)
    assert info.value.field == "name"
    assert "居民一支部" in info.value.errors["name"]
    assert _counts() == before


def test_renaming_onto_another_name_refused_but_own_name_kept(db):
    one = create_branch({"name": "居民一支部"}, today=TODAY)
    create_branch({"name": "居民二支部"}, today=TODAY)
    with pytest.raises(ValidationError) as info:
        update_branch(one.id, {"name": "居民二支部"}, today=TODAY)
    assert info.value.field == "name"
    update_branch(one.id, {"name": "居民一支部", "community": "新社区"}, today=TODAY)
    assert get_branch(one.id).community == "新社区"


def test_empty_name_refused(db):
    with pytest.raises(ValidationError) as info:
        create_branch({"name": ""}, today=TODAY)
    assert info.value.errors == {"name": "支部名称不能为空"}
    assert Branch.select().count() == 0


def test_founded_in_future_refused(db):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        create_branch({"name": "居民九支部", "founded": TODAY + dt.timedelta(days=1)}, today=TODAY)
    assert set(info.value.errors) == {"founded"}
    assert _counts() == before
    assert create_branch({"name": "居民九支部", "founded": TODAY}, today=TODAY).founded == TODAY


def test_bad_phone_refused(db):
    with pytest.raises(ValidationError) as info:
        create_branch({"name": "居民九支部", "phone": "12"}, today=TODAY)
    assert set(info.value.errors) == {"phone"}


def test_secretary_must_be_member_of_that_branch(db):
    one = create_branch({"name": "居民一支部"}, today=TODAY)
    two = create_branch({"name": "居民二支部"}, today=TODAY)
    outsider = _member(two.id, "周光明", 1)
    insider = _member(one.id, "张彩风", 2)
    audits = Audit.select().count()
    with pytest.raises(ValidationError) as info:
        update_branch(one.id, {"name": "居民一支部", "secretary": outsider.id}, today=TODAY)
    assert set(info.value.errors) == {"secretary"}
    assert get_branch(one.id).secretary_id is None
    assert Audit.select().count() == audits

    with pytest.raises(ValidationError) as info:
        update_branch(one.id, {"name": "居民一支部", "secretary": 9999}, today=TODAY)
    assert info.value.field == "secretary"

    update_branch(one.id, {"name": "居民一支部", "secretary": insider.id}, today=TODAY)
    assert get_branch(one.id).secretary_id == insider.id
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action) == ("branch", "update")
    assert json.loads(row.before)["secretary_id"] is None
    assert json.loads(row.after)["secretary_id"] == insider.id


def test_new_branch_cannot_name_a_secretary_yet(db):
    other = create_branch({"name": "居民二支部"}, today=TODAY)
    member = _member(other.id, "周光明", 1)
    with pytest.raises(ValidationError) as info:
        create_branch({"name": "居民一支部", "secretary": member.id}, today=TODAY)
    assert info.value.field == "secretary"


def test_secretary_must_be_in_good_standing(db):
    one = create_branch({"name": "居民一支部"}, today=TODAY)
    gone = _member(one.id, "周光明", 1, status="转出")
    with pytest.raises(ValidationError) as info:
        update_branch(one.id, {"name": "居民一支部", "secretary": gone.id}, today=TODAY)
    assert info.value.field == "secretary"


def test_secretary_cannot_be_moved_to_another_branch(db):
    one = create_branch({"name": "居民一支部"}, today=TODAY)
    two = create_branch({"name": "居民二支部"}, today=TODAY)
    sec = _member(one.id, "张彩风", 2)
    update_branch(one.id, {"name": "居民一支部", "secretary": sec.id}, today=TODAY)
    data = {"branch": two.id, "name": sec.name, "birth_date": sec.birth_date,
            "id_number": sec.id_number, "join_date": sec.join_date}
    with pytest.raises(ValidationError) as info:
        update_member(sec.id, data, today=TODAY)
    assert info.value.field == "branch"


def test_get_missing_branch(db):
    with pytest.raises(NotFound):
        get_branch(12345)


# ------------------------------------------------------------- search (demo)

ALL_EIGHT = [f"居民{n}支部" for n in "一二三四五六七八"]


@pytest.mark.parametrize("query", ["jm", "jumin", "JM", "居民", "支部"])
def test_search_branches_by_name(demo_db, query):
    assert [r.name for r in search_branches(query)] == ALL_EIGHT


def test_search_branches_empty_query_lists_all(demo_db):
    rows = search_branches("")
    assert [r.name for r in rows] == ALL_EIGHT
    assert sum(r.members for r in rows) == 74


def test_search_branches_by_secretary_initials(demo_db):
    rows = search_branches("zcf")
    assert [r.name for r in rows] == ["居民一支部"]
    assert rows[0].secretary == "张彩风"


@pytest.mark.parametrize("query, expected", [
    ("张秀玲", ["居民四支部"]),
    ("wdl", ["居民六支部"]),
    ("一区", ["居民一支部"]),
    ("jmyzb", ["居民一支部"]),
    ("nobody", []),
])
def test_search_branches_other_queries(demo_db, query, expected):
    assert [r.name for r in search_branches(query)] == expected
