"""ID numbers masked by role where they are returned, and the audit trail
shown to each role only as far as it may see it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from branchtui.domain import access
from branchtui.domain.audit import search, tables
from branchtui.domain.errors import ValidationError
from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import create_member, get_member
from branchtui.store.models import Member
from tests.conftest import TODAY, login_as

FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def staff(demo_db, monkeypatch):
    login_as("root")
    access.add_user("root", "admin")
    access.add_user("sec1", "secretary", "居民一支部")
    access.add_user("sec2", "secretary", "居民二支部")
    access.add_user("kan", "viewer")
    return monkeypatch


def _as(monkeypatch, login):
    login_as(login)


def test_get_member_masks_the_id_number_unless_the_role_may_see_it(staff):
    member = Member.select().where(Member.branch == 1).first()
    for login, full in (("root", True), ("sec1", True), ("sec2", False), ("kan", False)):
        _as(staff, login)
        shown = get_member(member.id).id_number
        assert (shown == member.id_number) is full, login
        if not full:
            assert shown == member.id_number[:4] + "*" * 10 + member.id_number[-4:]


def test_duplicate_id_names_the_member_only_to_who_may_see_them(staff):
    other = Member.select(Member, ).where(Member.branch == 1).first()
    data = {"branch": 2, "name": "新党员", "id_number": other.id_number, "join_date": "2015-07-01",
            "full_date": "2016-07-01"}
    _as(staff, "sec2")
    with pytest.raises(ValidationError) as refused:
        create_member(data, today=TODAY)
    assert refused.value.errors["id_number"] == "该身份证号码已登记"
    assert other.name not in str(refused.value)
    _as(staff, "root")
    with pytest.raises(ValidationError, match=other.name):
        create_member(data, today=TODAY)


def _changes(rows) -> str:
    return " ".join(f"{r.before or ''} {r.after or ''}" for r in rows)


def test_secretary_sees_only_its_own_branch_in_the_trail(staff):
    _as(staff, "sec2")
    create_member({"branch": 2, "name": "新党员", "id_number": make_id_number("410402", dt.date(1990, 1, 2), 901),
                   "join_date": "2015-07-01", "full_date": "2016-07-01"}, today=TODAY)
    rows = search(limit=10000)
    assert rows and {r.branch_id for r in rows} == {2}
    assert make_id_number("410402", dt.date(1990, 1, 2), 901) in _changes(rows)  # its own, in full
    assert "app_user" not in tables()


def test_viewer_sees_no_personal_rows_and_no_full_numbers(staff):
    _as(staff, "kan")
    rows = search(limit=10000)
    assert rows
    assert not {r.table for r in rows} & set(access.PERSONAL_TABLES)
    assert not FULL_ID.search(_changes(rows))
    assert "member" not in tables()


def test_admin_sees_everything(staff):
    _as(staff, "root")
    rows = search(limit=100000)
    assert {"member", "branch", "app_user"} <= {r.table for r in rows}
    assert FULL_ID.search(_changes(rows))


def test_masking_in_the_change_column():
    from branchtui.domain.access import mask_change

    text = '{"id_number": "410402199001020015", "name": "王", "phone": "13912345678"}'
    masked = mask_change(text, 1, ("secretary", 2))
    assert "410402199001020015" not in masked and "4104**********0015" in masked
    assert "13912345678" not in masked and '"name": "王"' in masked
    assert mask_change(text, 1, ("secretary", 1)) == text
    assert mask_change(text, 1, ("committee", None)) == text
