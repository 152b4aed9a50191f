"""Party members: validation, audited writes and search."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import TODAY

from branchtui.domain import identity
from branchtui.domain.branches import create_branch
from branchtui.domain.errors import NotFound, ValidationError
from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import (
    create_member,
    get_member,
    is_probationary,
    search_members,
    update_member,
)
from branchtui.store.models import Audit, Member

BIRTH = dt.date(1970, 3, 15)


def member_data(branch_id, name="李建国", *, birth=BIRTH, sequence=11, region="410402",
                join=dt.date(1995, 7, 1), full=dt.date(1996, 7, 1), **overrides):
    data = {
        "branch": branch_id,
        "name": name,
        "gender": "男" if sequence % 2 else "女",
        "birth_date": birth,
        "id_number": make_id_number(region, birth, sequence),
        "join_date": join,
        "full_date": full,
        "phone": "13812345678",
        "education": "高中",
    }
    data.update(overrides)
    return data


@pytest.fixture
def branch(db):
    return create_branch({"name": "居民一支部", "community": "一区居委会"}, today=TODAY)


@pytest.fixture
def other_branch(db):
    return create_branch({"name": "居民二支部", "community": "二区居委会"}, today=TODAY)


def counts():
    return Member.select().count(), Audit.select().count()


def refuse(data, **kwargs):
    """Assert the write is refused and leaves no trace; return the errors."""
    before = counts()
    with pytest.raises(ValidationError) as info:
        create_member(data, today=TODAY, **kwargs)
    assert counts() == before
    return info.value.errors


# ---------------------------------------------------------------- create/update


def test_create_member_writes_row_and_audit(branch, monkeypatch):
    identity.set_login_for_tests("dangban01")
    members_before, audits_before = counts()
    member = create_member(member_data(branch.id), today=TODAY)
    assert Member.select().count() == members_before + 1
    new_audits = list(Audit.select().where(Audit.id > 0).order_by(Audit.id))[audits_before:]
    assert len(new_audits) == 1
    row = new_audits[0]
    assert row.login == "dangban01"
    assert row.table == "member"
    assert row.action == "create"
    assert row.row_id == member.id
    assert row.before is None
    after = json.loads(row.after)
    assert after["name"] == "李建国"
    assert after["id_number"] == member.id_number
    assert after["join_date"] == "1995-07-01"
    assert after["branch_id"] == branch.id

    stored = get_member(member.id)
    assert stored.name == "李建国"
    assert stored.birth_date == BIRTH
    assert stored.gender == "男"
    assert stored.status == "正常"
    assert stored.ethnicity == "汉族"
    assert "lijianguo" in stored.name_pinyin
    assert "ljg" in stored.name_initials


def test_update_member_audits_before_and_after(branch, monkeypatch):
    identity.set_login_for_tests("zuzhi02")
    member = create_member(member_data(branch.id), today=TODAY)
    _, audits_before = counts()
    update_member(member.id, member_data(branch.id, phone="13900001111", notes="调整联系方式"),
                  today=TODAY)
    assert Member.select().count() == 1
    assert Audit.select().count() == audits_before + 1
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id, row.login) == ("member", "update", member.id, "zuzhi02")
    before, after = json.loads(row.before), json.loads(row.after)
    assert before["phone"] == "13812345678"
    assert after["phone"] == "13900001111"
    assert after["notes"] == "调整联系方式"
    assert before["name"] == after["name"] == "李建国"
    assert get_member(member.id).phone == "13900001111"


def test_update_keeps_own_id_number(branch):
    """Saving a member with its own ID number is not a duplicate."""
    member = create_member(member_data(branch.id), today=TODAY)
    updated = update_member(member.id, member_data(branch.id, name="李建军"), today=TODAY)
    assert updated.name == "李建军"
    assert "lijianjun" in get_member(member.id).name_pinyin


def test_update_missing_member(db):
    with pytest.raises(NotFound):
        update_member(4242, {}, today=TODAY)


# ---------------------------------------------------------------- probation


def test_probationary_exactly_when_full_date_empty(branch):
    full = create_member(member_data(branch.id, "王秀英", sequence=12), today=TODAY)
    prob = create_member(member_data(branch.id, "刘海", sequence=13, join=dt.date(2026, 3, 1),
                                     full=""), today=TODAY)
    assert get_member(full.id).full_date == dt.date(1996, 7, 1)
    assert get_member(prob.id).full_date is None
    rows = {r.name: r for r in search_members("", branch_id=branch.id)}
    assert rows["王秀英"].probationary(TODAY) is False
    assert rows["刘海"].probationary(TODAY) is True
    assert is_probationary(None, TODAY) is True
    assert is_probationary(dt.date(2020, 1, 1), TODAY) is False


def test_full_date_one_year_after_join_is_the_earliest(branch):
    join = dt.date(2020, 5, 20)
    errors = refuse(member_data(branch.id, join=join, full=dt.date(2021, 5, 19)))
    assert set(errors) == {"full_date"}
    assert "2021-05-20" in errors["full_date"]
    member = create_member(member_data(branch.id, join=join, full=dt.date(2021, 5, 20)), today=TODAY)
    assert get_member(member.id).full_date == dt.date(2021, 5, 20)


def test_full_date_before_join_refused(branch):
    errors = refuse(member_data(branch.id, join=dt.date(2020, 5, 20), full=dt.date(2019, 1, 1)))
    assert "full_date" in errors


def test_full_date_in_future_refused(branch):
    errors = refuse(member_data(branch.id, join=dt.date(2025, 1, 1),
                                full=TODAY + dt.timedelta(days=1)))
    assert "full_date" in errors


def test_joining_before_eighteen_refused(branch):
    errors = refuse(member_data(branch.id, join=dt.date(1988, 3, 14), full=dt.date(1989, 3, 14)))
    assert set(errors) == {"join_date"}
    assert "18" in errors["join_date"]
    assert "1988-03-15" in errors["join_date"]
    member = create_member(member_data(branch.id, join=dt.date(1988, 3, 15), full=dt.date(1989, 3, 15)),
                           today=TODAY)
    assert member.join_date == dt.date(1988, 3, 15)


def test_join_date_in_future_refused(branch):
    errors = refuse(member_data(branch.id, join=TODAY + dt.timedelta(days=1), full=""))
    assert set(errors) == {"join_date"}


def test_join_date_required(branch):
    errors = refuse(member_data(branch.id, join="", full=""))
    assert "join_date" in errors


# ---------------------------------------------------------------- ID number


def test_birth_date_disagreeing_with_id_refused(branch):
    errors = refuse(member_data(branch.id, birth_date=dt.date(1970, 3, 16)))
    assert set(errors) == {"birth_date"}
    assert "1970-03-15" in errors["birth_date"]


def test_gender_disagreeing_with_id_refused(branch):
    errors = refuse(member_data(branch.id, sequence=11, gender="女"))
    assert set(errors) == {"gender"}
    assert "男" in errors["gender"]


def test_birth_and_gender_filled_from_id(branch):
    birth = dt.date(1982, 11, 3)
    data = member_data(branch.id, "陈淑珍", birth=birth, sequence=44, join=dt.date(2005, 7, 1),
                       full=dt.date(2006, 7, 1), gender="", birth_date="")
    member = create_member(data, today=TODAY)
    stored = get_member(member.id)
    assert stored.birth_date == birth
    assert stored.gender == "女"


def test_duplicate_id_refused_naming_existing_member(branch, other_branch):
    first = create_member(member_data(branch.id, "张秀玲", sequence=22), today=TODAY)
    errors = refuse(member_data(other_branch.id, "张秀兰", sequence=22))
    assert set(errors) == {"id_number"}
    assert "张秀玲" in errors["id_number"]
    assert "居民一支部" in errors["id_number"]
    assert Member.get_by_id(first.id).name == "张秀玲"


def test_duplicate_id_refused_on_update(branch):
    create_member(member_data(branch.id, "张秀玲", sequence=22), today=TODAY)
    other = create_member(member_data(branch.id, "周光明", sequence=23), today=TODAY)
    audits = Audit.select().count()
    with pytest.raises(ValidationError) as info:
        update_member(other.id, member_data(branch.id, "周光明", sequence=22), today=TODAY)
    assert "张秀玲" in info.value.errors["id_number"]
    assert Audit.select().count() == audits
    assert get_member(other.id).id_number == make_id_number("410402", BIRTH, 23)


def test_invalid_id_refused(branch):
    data = member_data(branch.id)
    data["id_number"] = data["id_number"][:-1] + ("0" if data["id_number"][-1] != "0" else "1")
    errors = refuse(data)
    assert "id_number" in errors


# ---------------------------------------------------------------- other fields


def test_empty_name_refused(branch):
    errors = refuse(member_data(branch.id, name="   "))
    assert set(errors) == {"name"}


def test_name_with_digits_refused(branch):
    assert "name" in refuse(member_data(branch.id, name="李建国2"))


def test_missing_branch_refused(db):
    assert "branch" in refuse(member_data(None))
    assert "branch" in refuse(member_data(999))


@pytest.mark.parametrize("field, value", [
    ("phone", "12345"),
    ("status", "退休"),
    ("education", "博士后"),
    ("gender", "未知"),
    ("notes", "备" * 501),
    ("ethnicity", "汉\x00族"),
])
def test_bad_field_refused(branch, field, value):
    assert field in refuse(member_data(branch.id, **{field: value}))


def test_several_errors_reported_together(branch):
    data = member_data(branch.id, name="", phone="12345", status="失联", full="2099-01-01",
                       join="不知道")
    data["id_number"] = "12345"
    errors = refuse(data)
    assert {"name", "phone", "status", "id_number", "join_date", "full_date"} <= set(errors)
    assert all(errors[k] for k in errors)  # each with a message


def test_every_refusal_leaves_no_trace(branch):
    create_member(member_data(branch.id, "张秀玲", sequence=22), today=TODAY)
    bad = [
        member_data(branch.id, "张秀兰", sequence=22),               # duplicate ID
        member_data(branch.id, name=""),                              # no name
        member_data(branch.id, join=dt.date(1980, 1, 1), full=""),   # too young
        member_data(branch.id, full=dt.date(1995, 12, 31)),          # short probation
        member_data(branch.id, birth_date=dt.date(1971, 1, 1)),      # ID mismatch
    ]
    before = counts()
    for data in bad:
        with pytest.raises(ValidationError):
            create_member(data, today=TODAY)
    assert counts() == before


# ---------------------------------------------------------------- search


@pytest.fixture
def searchable(branch, other_branch):
    create_member(member_data(branch.id, "单雄信", sequence=31, birth=dt.date(1968, 1, 9)), today=TODAY)
    create_member(member_data(branch.id, "曾国藩", sequence=33, birth=dt.date(1969, 2, 9)), today=TODAY)
    create_member(member_data(other_branch.id, "王秀英", sequence=34, birth=dt.date(1966, 6, 6)),
                  today=TODAY)


@pytest.mark.parametrize("query", ["shan", "dan", "sxx", "dxx", "SXX", "Shan", "雄信", "单", "xiongxin"])
def test_search_finds_shan_xiongxin(searchable, query):
    assert [r.name for r in search_members(query)] == ["单雄信"]


@pytest.mark.parametrize("query", ["zeng", "ceng", "zgf", "cgf", "国藩", "zengguofan", "cengguofan"])
def test_search_finds_zeng_guofan(searchable, query):
    assert [r.name for r in search_members(query)] == ["曾国藩"]


@pytest.mark.parametrize("query", ["zhao", "qqq", "李", "sgf"])
def test_search_misses(searchable, query):
    assert search_members(query) == []


def test_search_rows_carry_branch(searchable, branch, other_branch):
    (row,) = search_members("sxx")
    assert row.branch_name == "居民一支部"
    assert row.branch_id == branch.id
    (row,) = search_members("王秀英")
    assert (row.branch_id, row.branch_name) == (other_branch.id, "居民二支部")


def test_search_rows_mask_id_for_viewers(searchable, monkeypatch):
    from branchtui.domain.access import add_user

    number = make_id_number("410402", dt.date(1968, 1, 9), 31)
    (row,) = search_members("sxx")
    assert row.id_masked == number, "the single local user is an administrator and sees it in full"
    identity.set_login_for_tests("boss")
    add_user("boss", "admin")
    add_user("kan", "viewer")
    identity.set_login_for_tests("kan")
    (row,) = search_members("sxx")
    assert row.id_masked == number[:4] + "*" * 10 + number[-4:]
    assert number not in row.id_masked


def test_search_members_branch_filter(searchable, branch, other_branch):
    assert sorted(r.name for r in search_members("", branch_id=branch.id)) == sorted(["单雄信", "曾国藩"])
    assert [r.name for r in search_members("", branch_id=other_branch.id)] == ["王秀英"]
    assert search_members("shan", branch_id=other_branch.id) == []
    assert [r.name for r in search_members("x", branch_id=other_branch.id)] == ["王秀英"]
    assert len(search_members("")) == 3


def test_search_members_paging(searchable):
    everyone = [r.id for r in search_members("")]
    assert len(everyone) == 3
    assert [r.id for r in search_members("", limit=2)] + [r.id for r in search_members("", limit=2, offset=2)] \
        == everyone
