"""Party members: validation, writes and search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound, ValidationError
from branchtui.domain.access import current_role, mask_id_for
from branchtui.domain.idcard import parse_id_number
from branchtui.domain.parse import clean_name, clean_text, parse_choice, parse_date, parse_mobile, record_id
from branchtui.domain.search import name_condition
from branchtui.i18n import _
from branchtui.store.models import Branch, Member

GENDERS = ("男", "女")
STATUSES = ("正常", "转出", "去世")
EDUCATIONS = ("小学", "初中", "高中", "中专", "大专", "本科", "研究生")
MIN_JOIN_AGE = 18
PROBATION_YEARS = 1


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 Feb in a common year
        return day.replace(year=day.year + years, day=28)


def is_probationary(full_date: dt.date | None, as_of: dt.date) -> bool:
    return full_date is None or full_date > as_of


def _branch_id(value, c: Collector) -> int | None:
    if not str(value or "").strip():
        c.add("branch", _("请选择所在支部"))
        return None
    branch = c.ref("branch", Branch, value, _("所选支部不存在"))
    return branch.id if branch else None


def validate_member(data: Mapping[str, Any], *, member_id: int | None = None,
                    today: dt.date | None = None) -> dict:
    """Clean values for a member, or every field's error at once."""
    today = today or dt.date.today()
    c = Collector()
    v = {}
    v["branch"] = _branch_id(data.get("branch"), c)
    v["name"] = c.take("name", clean_name, data.get("name"))
    v["ethnicity"] = c.take("ethnicity", clean_text, data.get("ethnicity") or "汉族", "ethnicity", "民族", 20)
    v["education"] = c.take("education", parse_choice, data.get("education"), EDUCATIONS,
                            "education", "学历", required=False)
    v["phone"] = c.take("phone", parse_mobile, data.get("phone"))
    v["status"] = c.take("status", parse_choice, data.get("status") or "正常", STATUSES, "status", "状态")
    v["notes"] = c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500)

    info = c.take("id_number", parse_id_number, data.get("id_number"))
    birth = c.take("birth_date", parse_date, data.get("birth_date"), "birth_date", "出生日期",
                   required=info is None)
    gender = c.take("gender", clean_text, data.get("gender"), "gender", "性别", 2) or ""
    if info is not None:
        v["id_number"] = info.number
        birth = birth or info.birth_date
        gender = gender or info.gender
        if birth != info.birth_date:
            c.add("birth_date", _("出生日期与身份证号码不符（身份证为 {d}）").format(d=info.birth_date.isoformat()))
        if gender and gender != info.gender:
            c.add("gender", _("性别与身份证号码不符（身份证为{g}）").format(g=_(info.gender)))
        clash = Member.select(Member, Branch).join(Branch).where(
            (Member.id_number == info.number) & (Member.id != (member_id or 0))).first()
        if clash and mask_id_for(clash.id_number, clash.branch_id) == clash.id_number:
            c.add("id_number", _("该身份证号码已登记：{name}（{branch}）").format(
                name=clash.name, branch=clash.branch.name))
        elif clash:  # someone not allowed to see that member learns only that much
            c.add("id_number", _("该身份证号码已登记"))
    v["gender"] = c.take("gender", parse_choice, gender, GENDERS, "gender", "性别")
    v["birth_date"] = birth
    if birth and birth > today:
        c.add("birth_date", _("出生日期不能晚于今天"))

    join = c.take("join_date", parse_date, data.get("join_date"), "join_date", "入党日期")
    full = c.take("full_date", parse_date, data.get("full_date"), "full_date", "转正日期", required=False)
    v["join_date"], v["full_date"] = join, full
    if join:
        if join > today:
            c.add("join_date", _("入党日期不能晚于今天"))
        elif birth and join < add_years(birth, MIN_JOIN_AGE):
            c.add("join_date", _("入党时应年满 {n} 周岁（{d} 起）").format(
                n=MIN_JOIN_AGE, d=add_years(birth, MIN_JOIN_AGE).isoformat()))
    if full:
        if full > today:
            c.add("full_date", _("转正日期不能晚于今天；尚未转正请留空（预备党员）"))
        elif join and full < add_years(join, PROBATION_YEARS):
            c.add("full_date", _("预备期至少一年：转正日期不能早于 {d}").format(
                d=add_years(join, PROBATION_YEARS).isoformat()))
    c.raise_if_any()
    return v


def _write(member: Member, values: dict) -> Member:
    return audit.save_named(member, values, clash_field="id_number",
                            clash_message=_("该身份证号码已登记"))


def create_member(data: Mapping[str, Any], *, today: dt.date | None = None) -> Member:
    with audit.transaction():
        audit.check_role(Member)
        return _write(Member(), validate_member(data, today=today))


def _load(member_id: int) -> Member:
    member = Member.get_or_none(Member.id == record_id(member_id))
    if member is None:
        raise NotFound(_("党员记录不存在（可能已被他人删除）"))
    return member


def get_member(member_id: int) -> Member:
    """The member as the current login may see it: the ID number masked unless
    the role may see it in full (do not save this instance)."""
    member = _load(member_id)
    member.id_number = mask_id_for(member.id_number, member.branch_id)
    return member


def update_member(member_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> Member:
    with audit.transaction():
        member = _load(member_id)
        audit.check_role(Member, member)
        values = validate_member(data, member_id=member_id, today=today)
        if values["branch"] != member.branch_id:
            was_secretary = Branch.select().where(Branch.secretary == member_id).exists()
            if was_secretary:
                raise ValidationError("branch", _("该党员是原支部书记，请先在原支部更换书记后再转移"))
        return _write(member, values)


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    gender: str
    branch_id: int
    branch_name: str
    birth_date: dt.date
    join_date: dt.date
    full_date: dt.date | None
    status: str
    id_masked: str
    phone: str

    def probationary(self, as_of: dt.date) -> bool:
        return is_probationary(self.full_date, as_of)


def search_members(query: str = "", *, branch_id: int | None = None, limit: int = 200,
                   offset: int = 0) -> list[MemberRow]:
    """Members by name, pinyin or initials, in pinyin order, one page at a time."""
    select = (Member.select(Member.id, Member.name, Member.gender, Branch.id, Branch.name,
                            Member.birth_date, Member.join_date, Member.full_date, Member.status,
                            Member.id_number, Member.phone)
              .join(Branch, on=(Member.branch == Branch.id)))
    condition = name_condition(Member, query, Member.id_number, Member.phone)
    if condition is not None:
        select = select.where(condition)
    if branch_id is not None:
        select = select.where(Member.branch == branch_id)
    select = select.order_by(Member.name_pinyin, Member.id).limit(limit).offset(offset)
    who = current_role()
    # Plain tuples: a search runs on every keystroke, model instances cost more than the query.
    return [
        MemberRow(mid, name, gender, bid, bname, birth, join, full, status,
                  mask_id_for(number, bid, who=who), phone)
        for mid, name, gender, bid, bname, birth, join, full, status, number, phone in select.tuples()
    ]
