"""The committee and its branches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from peewee import JOIN, fn

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound
from branchtui.domain.parse import clean_text, parse_date, parse_phone, record_id
from branchtui.domain.search import name_condition, normalize_query
from branchtui.i18n import _
from branchtui.store.models import Branch, Committee, Member

DEFAULT_COMMITTEE = "镇党委"


def ensure_committee(name: str = DEFAULT_COMMITTEE) -> Committee:
    """The town committee, created on the first write that needs it (inside that write's gate)."""
    with audit.transaction():
        audit.check_role(Committee)
        committee = Committee.select().order_by(Committee.id).first()
        if committee is None:
            committee = Committee(name=name)
            audit.save_audited(committee)
    return committee


def committee_name() -> str:
    committee = Committee.select(Committee.name).order_by(Committee.id).first()
    return committee.name if committee else _(DEFAULT_COMMITTEE)


def validate_branch(data: Mapping[str, Any], *, branch_id: int | None = None,
                    today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    c = Collector()
    v = {
        "name": c.take("name", clean_text, data.get("name"), "name", "支部名称", 40, required=True),
        "community": c.take("community", clean_text, data.get("community"), "community", "所在社区", 60),
        "phone": c.take("phone", parse_phone, data.get("phone"), "phone", "联系电话"),
        "notes": c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500),
        "founded": c.take("founded", parse_date, data.get("founded"), "founded", "成立日期",
                          required=False),
    }
    if v["founded"] and v["founded"] > today:
        c.add("founded", _("成立日期不能晚于今天"))
    if v["name"] and Branch.select().where(
            (Branch.name == v["name"]) & (Branch.id != (branch_id or 0))).exists():
        c.add("name", _("已有同名支部“{name}”").format(name=v["name"]))
    v["secretary"] = None
    member = c.ref("secretary", Member, data.get("secretary"), _("支部书记须是本支部的党员"), required=False)
    if member is not None:
        if branch_id is None or member.branch_id != branch_id:
            c.add("secretary", _("支部书记须是本支部的党员"))
        elif member.status != "正常":
            c.add("secretary", _("支部书记须是在册（正常）党员"))
        else:
            v["secretary"] = member.id
    c.raise_if_any()
    return v


def _write(branch: Branch, values: dict) -> Branch:
    return audit.save_named(branch, values, clash_field="name",
                            clash_message=_("已有同名支部“{name}”").format(name=values["name"]))


def create_branch(data: Mapping[str, Any], *, today: dt.date | None = None) -> Branch:
    with audit.transaction():
        audit.check_role(Branch)
        values = validate_branch(data, today=today)
        committee = ensure_committee()
        return _write(Branch(committee=committee), values)


def get_branch(branch_id: int) -> Branch:
    branch = Branch.get_or_none(Branch.id == record_id(branch_id))
    if branch is None:
        raise NotFound(_("支部不存在（可能已被他人删除）"))
    return branch


def update_branch(branch_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> Branch:
    with audit.transaction():
        branch = get_branch(branch_id)
        audit.check_role(Branch, branch)
        return _write(branch, validate_branch(data, branch_id=branch_id, today=today))


def branch_choices() -> list[tuple[str, int]]:
    """(name, id) of every branch, for pickers."""
    return [(b.name, b.id) for b in Branch.select(Branch.id, Branch.name).order_by(Branch.id)]


@dataclass(frozen=True)
class BranchRow:
    id: int
    name: str
    community: str
    secretary: str
    members: int


def search_branches(query: str = "") -> list[BranchRow]:
    """Branches whose name, community or secretary matches ``query``."""
    Secretary = Member.alias()
    counts = (Member.select(Member.branch, fn.COUNT(Member.id).alias("n"))
              .where(Member.status == "正常").group_by(Member.branch).alias("counts"))
    select = (Branch.select(Branch.id, Branch.name, Branch.community, Secretary.name.alias("sec"),
                            fn.COALESCE(counts.c.n, 0).alias("n"))
              .join(Secretary, JOIN.LEFT_OUTER, on=(Branch.secretary == Secretary.id))
              .switch(Branch)
              .join(counts, JOIN.LEFT_OUTER, on=(counts.c.branch_id == Branch.id)))
    if normalize_query(query):
        select = select.where(name_condition(Branch, query, Branch.community)
                              | name_condition(Secretary, query))
    return [BranchRow(r.id, r.name, r.community, r.sec or "", r.n)
            for r in select.order_by(Branch.id).objects()]
