"""Roles: who may change what, who manages users, who sees ID numbers in full."""

from __future__ import annotations

import json

import pytest

from branchtui.domain import identity
from branchtui.domain import access
from branchtui.domain.access import (
    MANAGE_USERS,
    READ,
    RESTORE,
    PermissionDenied,
    add_user,
    current_role,
    list_users,
    mask_id_for,
    remove_user,
    require,
)
from branchtui.domain.errors import DomainError, NotFound, ValidationError
from branchtui.store.models import Audit, Branch, Member
from branchtui.store.users import User


def login_as(monkeypatch, login):
    identity.set_login_for_tests(login)


def refusals(login=None):
    query = Audit.select().where(Audit.action == "refused")
    if login:
        query = query.where(Audit.login == login)
    return list(query.order_by(Audit.id))


@pytest.fixture
def branches(demo_db):
    one, two = Branch.select().order_by(Branch.id)[:2]
    assert (one.name, two.name) == ("居民一支部", "居民二支部")
    return one, two


@pytest.fixture
def staff(branches, monkeypatch):
    """root (admin), wang (committee), zhang (secretary of 居民一支部), li (viewer)."""
    login_as(monkeypatch, "root")
    add_user("root", "admin")
    add_user("wang", "committee")
    add_user("zhang", "支部书记", "居民一支部")  # the Chinese role name works too
    add_user("li", "viewer")
    return branches


def test_with_no_users_the_local_login_is_admin(branches, monkeypatch):
    one, two = branches
    login_as(monkeypatch, "anyone")
    assert current_role() == ("admin", None)
    for branch_id in (one.id, two.id, None):
        require("member.update", branch_id)
    require(MANAGE_USERS, None)
    require(RESTORE, None)
    number = Member.select().where(Member.branch == two.id).first().id_number
    assert mask_id_for(number, two.id) == number
    assert refusals() == []


def test_users_are_added_with_audit_rows(staff, monkeypatch):
    one, _two = staff
    rows = list_users()
    assert [(r.login, r.role, r.role_name, r.branch_name) for r in rows] == [
        ("li", "viewer", "只读", ""),
        ("root", "admin", "管理员", ""),
        ("wang", "committee", "镇党委", ""),
        ("zhang", "secretary", "支部书记", "居民一支部"),
    ]
    assert rows[3].branch_id == one.id
    audits = list(Audit.select().where(Audit.table == "app_user").order_by(Audit.id))
    assert [(a.action, a.login) for a in audits] == [("create", "root")] * 4
    assert json.loads(audits[2].after)["login"] == "zhang"
    assert json.loads(audits[2].after)["branch_id"] == one.id


def test_first_user_must_be_an_admin(branches, monkeypatch):
    login_as(monkeypatch, "root")
    with pytest.raises(ValidationError) as info:
        add_user("zhang", "secretary", "居民一支部")
    assert "管理员" in str(info.value)
    assert User.select().count() == 0
    assert Audit.select().where(Audit.table == "app_user").count() == 0


@pytest.mark.parametrize("login, role, branch, field", [
    ("root", "admin", None, "login"),  # already registered
    ("zhao", "boss", None, "role"),
    ("zhao", "secretary", None, "branch"),
    ("zhao", "secretary", "居民九支部", "branch"),
    ("zhao", "committee", "居民一支部", "branch"),
    ("zhao li", "viewer", None, "login"),
    ("", "viewer", None, "login"),
])
def test_bad_users_are_refused(staff, login, role, branch, field):
    before = User.select().count(), Audit.select().count()
    with pytest.raises(ValidationError) as info:
        add_user(login, role, branch)
    assert info.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))
    assert (User.select().count(), Audit.select().count()) == before


def test_secretary_writes_only_their_own_branch(staff, monkeypatch):
    one, two = staff
    login_as(monkeypatch, "zhang")
    assert current_role() == ("secretary", one.id)
    require("member.update", one.id)
    with pytest.raises(PermissionDenied) as info:
        require("member.update", two.id, table="member", row_id=12)
    error = info.value
    assert isinstance(error, DomainError)
    assert "居民一支部" in str(error) and "居民二支部" in str(error)
    assert (error.action, error.role, error.branch_id) == ("member.update", "secretary", two.id)
    [row] = refusals("zhang")
    assert (row.table, row.row_id, row.action) == ("member", 12, "refused")
    after = json.loads(row.after)
    assert after["action"] == "member.update" and after["branch_id"] == two.id
    assert after["role"] == "secretary" and after["reason"] == str(error)
    with pytest.raises(PermissionDenied, match="全镇"):
        require("standard.create", None)  # town-wide records are the committee's
    assert len(refusals("zhang")) == 2


@pytest.mark.parametrize("login", ["li", "stranger"])
def test_viewer_is_refused_everywhere(staff, monkeypatch, login):
    one, two = staff
    login_as(monkeypatch, login)
    assert current_role() == ("viewer", None)  # an unregistered login only reads
    require(READ, one.id)
    for branch_id in (one.id, two.id, None):
        with pytest.raises(PermissionDenied, match="只读"):
            require("member.update", branch_id)
    with pytest.raises(PermissionDenied, match="只有管理员"):
        require(MANAGE_USERS, None)
    assert len(refusals(login)) == 4


def test_committee_may_write_everything_but_not_manage_users(staff, monkeypatch):
    one, two = staff
    login_as(monkeypatch, "wang")
    assert current_role() == ("committee", None)
    for branch_id in (one.id, two.id, None):
        require("loan.repayment", branch_id)
    assert refusals() == []
    with pytest.raises(PermissionDenied, match="只有管理员"):
        add_user("zhao", "viewer")
    with pytest.raises(PermissionDenied):
        require(RESTORE, None)
    assert User.select().where(User.login == "zhao").count() == 0
    assert len(refusals("wang")) == 2


@pytest.mark.parametrize("login", ["wang", "zhang", "li", "stranger"])
def test_only_admin_manages_users(staff, monkeypatch, login):
    login_as(monkeypatch, login)
    with pytest.raises(PermissionDenied):
        add_user("zhao", "viewer")
    with pytest.raises(PermissionDenied):
        remove_user("li")
    assert sorted(u.login for u in list_users()) == ["li", "root", "wang", "zhang"]
    [first, second] = refusals(login)
    assert first.table == second.table == "app_user"


def test_admin_removes_users_and_keeps_the_last_admin(staff, monkeypatch):
    login_as(monkeypatch, "root")
    remove_user("li")
    assert "li" not in [u.login for u in list_users()]
    row = Audit.select().where((Audit.table == "app_user") & (Audit.action == "delete")).get()
    assert json.loads(row.before)["login"] == "li" and row.after is None and row.login == "root"
    with pytest.raises(NotFound):
        remove_user("li")
    with pytest.raises(ValidationError, match="最后一位管理员"):
        remove_user("root")
    add_user("root2", "admin")
    login_as(monkeypatch, "root2")
    remove_user("root")
    assert current_role() == ("admin", None)
    login_as(monkeypatch, "root")
    assert current_role() == ("viewer", None)  # no longer registered


def test_removing_every_user_returns_to_single_user_mode(branches, monkeypatch):
    login_as(monkeypatch, "root")
    add_user("root", "admin")
    login_as(monkeypatch, "someone")
    assert current_role() == ("viewer", None)
    login_as(monkeypatch, "root")
    remove_user("root")
    login_as(monkeypatch, "someone")
    assert current_role() == ("admin", None)


def test_id_numbers_are_masked_for_viewers_and_other_branches(staff, monkeypatch):
    one, two = staff
    own = Member.select().where(Member.branch == one.id).first().id_number
    other = Member.select().where(Member.branch == two.id).first().id_number
    masked = access.mask(other)
    assert masked == other[:4] + "*" * 10 + other[-4:]

    for login in ("root", "wang"):
        login_as(monkeypatch, login)
        assert mask_id_for(own, one.id) == own
        assert mask_id_for(other, two.id) == other
        assert mask_id_for(other, None) == other
    login_as(monkeypatch, "zhang")
    assert mask_id_for(own, one.id) == own
    assert mask_id_for(other, two.id) == masked
    assert mask_id_for(other, None) == masked  # a borrower of no branch
    who = current_role()
    assert mask_id_for(own, one.id, who=who) == own
    for login in ("li", "stranger"):
        login_as(monkeypatch, login)
        assert mask_id_for(own, one.id) == access.mask(own)
        assert mask_id_for(other, two.id) == masked
