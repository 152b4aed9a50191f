"""Roles are enforced where every write passes (audit.save_audited), not only
hidden in the UI: a secretary changes their own branch and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest

from branchtui.domain import identity
from branchtui.domain import access
from branchtui.domain.access import PermissionDenied
from branchtui.domain.branches import get_branch, update_branch
from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import create_member, get_member, update_member
from branchtui.store.models import Audit, Member
from tests.conftest import TODAY


@pytest.fixture
def users(demo_db, monkeypatch):
    identity.set_login_for_tests("admin1")
    access.add_user("admin1", "admin")
    access.add_user("lisi", "secretary", "居民一支部")
    access.add_user("kan", "viewer")
    access.add_user("zhen", "committee")
    return monkeypatch


def _new_member(branch_id: int, seq: int) -> dict:
    return {"branch": branch_id, "name": "新党员", "id_number": make_id_number("410402", dt.date(1990, 1, 2), seq),
            "join_date": "2015-07-01", "full_date": "2016-07-01"}


def _branch_data(branch) -> dict:
    return {"name": branch.name, "community": branch.community + "（改）", "founded": branch.founded,
            "phone": branch.phone, "secretary": branch.secretary_id}


def test_secretary_changes_own_branch(users):
    identity.set_login_for_tests("lisi")
    update_branch(1, _branch_data(get_branch(1)), today=TODAY)
    member = create_member(_new_member(1, 301), today=TODAY)
    assert member.branch_id == 1


def test_secretary_refused_for_another_branch_and_the_refusal_is_audited(users):
    identity.set_login_for_tests("lisi")
    members, refused = Member.select().count(), Audit.select().where(Audit.action == "refused").count()
    with pytest.raises(PermissionDenied, match="居民二支部"):
        update_branch(2, _branch_data(get_branch(2)), today=TODAY)
    with pytest.raises(PermissionDenied):
        create_member(_new_member(2, 303), today=TODAY)
    assert Member.select().count() == members
    assert get_branch(2).community == "二区居委会", "nothing of the refused write stays"
    rows = list(Audit.select().where(Audit.action == "refused").order_by(Audit.id))
    assert len(rows) == refused + 2
    assert rows[-1].login == "lisi" and rows[-2].table == "branch"


def test_secretary_may_not_move_a_member_away(users):
    identity.set_login_for_tests("lisi")
    member = Member.select().where(Member.branch == 1).order_by(Member.id.desc()).first()
    data = {k: getattr(member, k) for k in ("name", "gender", "ethnicity", "birth_date", "id_number",
                                            "education", "join_date", "full_date", "phone", "status", "notes")}
    with pytest.raises(PermissionDenied):
        update_member(member.id, {**data, "branch": 2}, today=TODAY)
    assert get_member(member.id).branch_id == 1


def test_viewer_refused_everywhere_committee_allowed(users):
    identity.set_login_for_tests("kan")
    with pytest.raises(PermissionDenied, match="只读"):
        update_branch(1, _branch_data(get_branch(1)), today=TODAY)
    identity.set_login_for_tests("zhen")
    update_branch(2, _branch_data(get_branch(2)), today=TODAY)
    assert get_branch(2).community.endswith("（改）")


def test_unregistered_login_reads_only_once_users_exist(users):
    identity.set_login_for_tests("stranger")
    with pytest.raises(PermissionDenied):
        create_member(_new_member(3, 305), today=TODAY)
