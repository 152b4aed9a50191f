"""Activities held in a room or elsewhere: trainings, lectures, literacy
classes, party lessons and meetings. Kinds are data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from peewee import JOIN, fn

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound, ValidationError
from branchtui.domain.parse import MAX_YEAR, MIN_YEAR, as_day, clean_text, parse_date, parse_int, record_id
from branchtui.i18n import _
from branchtui.store.models import Activity, ActivityKind, Branch, Member, Room


def kind_choices() -> list[tuple[str, str]]:
    return [(k.name, str(k.id)) for k in ActivityKind.select().order_by(ActivityKind.position, ActivityKind.id)]


def add_kind(name: str) -> ActivityKind:
    with audit.transaction():
        audit.check_role(ActivityKind)
        c = Collector()
        name = c.take("name", clean_text, name, "name", "活动类别", 20, required=True)
        if name and ActivityKind.select().where(ActivityKind.name == name).exists():
            c.add("name", _("已有活动类别“{name}”").format(name=name))
        c.raise_if_any()
        position = (ActivityKind.select(fn.COALESCE(fn.MAX(ActivityKind.position), -1)).scalar()) + 1
        kind = ActivityKind(name=name, position=position)
        audit.save_audited(kind)
    return kind


def members_in_good_standing(branch_id: int) -> int:
    """The members a branch meeting expects: its members in good standing."""
    branch = record_id(branch_id)
    if branch is None:  # names no branch: no members
        return 0
    return Member.select().where((Member.branch == branch) & (Member.status == "正常")).count()


def validate_activity(data: Mapping[str, Any], *, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    c = Collector()
    v = {
        "date": c.take("date", parse_date, data.get("date"), "date", "活动日期"),
        "topic": c.take("topic", clean_text, data.get("topic"), "topic", "主题", 100, required=True),
        "lecturer": c.take("lecturer", clean_text, data.get("lecturer"), "lecturer", "主讲人", 30),
        "members_expected": c.take("members_expected", parse_int, data.get("members_expected"),
                                   "members_expected", "应到党员", 0, 100000, default=0),
        "members_present": c.take("members_present", parse_int, data.get("members_present"),
                                  "members_present", "实到党员", 0, 100000, default=0),
        "others": c.take("others", parse_int, data.get("others"), "others", "其他参加人数", 0, 100000, default=0),
        "notes": c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500),
    }
    if v["date"] and v["date"] > today:
        c.add("date", _("活动日期不能晚于今天；计划中的活动请在活动后登记"))
    if v["members_present"] is not None and v["members_expected"] is not None \
            and v["members_present"] > v["members_expected"]:
        c.add("members_present", _("实到党员（{p}）不能多于应到党员（{e}）").format(
            p=v["members_present"], e=v["members_expected"]))
    kind = c.ref("kind", ActivityKind, data.get("kind"), _("请选择活动类别"))
    v["kind"] = kind.id if kind else None
    branch = c.ref("branch", Branch, data.get("branch"), _("请选择支部"))
    if branch is not None and v["date"] and branch.founded and v["date"] < branch.founded:
        c.add("date", _("活动日期早于{b}的成立日期 {d}").format(b=branch.name, d=branch.founded.isoformat()))
    v["branch"] = branch.id if branch else None
    room = c.ref("room", Room, data.get("room"), _("所选活动室不存在"), required=False)
    v["room"] = room.id if room else None
    c.raise_if_any()
    return v


def save_activity(data: Mapping[str, Any], *, activity_id: int | None = None,
                  today: dt.date | None = None) -> Activity:
    with audit.transaction():
        activity = get_activity(activity_id) if activity_id else Activity()
        audit.check_role(Activity, activity if activity_id else None)
        for key, value in validate_activity(data, today=today).items():
            setattr(activity, key, value)
        audit.save_audited(activity)
    return activity


def get_activity(activity_id: int) -> Activity:
    activity = Activity.get_or_none(Activity.id == record_id(activity_id))
    if activity is None:
        raise NotFound(_("活动记录不存在（可能已被他人删除）"))
    return activity


@dataclass(frozen=True)
class ActivityRow:
    id: int
    date: dt.date
    kind: str
    branch: str
    room: str
    topic: str
    lecturer: str
    attendance: str


def list_activities(*, kind_id: int | None = None, branch_id: int | None = None, month: str | None = None,
                    limit: int = 300, offset: int = 0) -> list[ActivityRow]:
    """Newest first; ``month`` is "2026-05"."""
    select = (Activity.select(Activity, ActivityKind.name.alias("kind_name"), Branch.name.alias("branch_name"),
                              Room.name.alias("room_name"))
              .join(ActivityKind, on=(Activity.kind == ActivityKind.id))
              .switch(Activity).join(Branch, on=(Activity.branch == Branch.id))
              .switch(Activity).join(Room, JOIN.LEFT_OUTER, on=(Activity.room == Room.id)))
    if kind_id:
        select = select.where(Activity.kind == record_id(kind_id))
    if branch_id:
        select = select.where(Activity.branch == record_id(branch_id))
    if month:
        if not (isinstance(month, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month, flags=re.ASCII)
                and MIN_YEAR <= int(month[:4]) <= MAX_YEAR):
            raise ValidationError("month", _("月份应写成 2026-05"))
        year, mon = (int(x) for x in month.split("-"))
        start = dt.date(year, mon, 1)
        end = dt.date(year + (mon == 12), mon % 12 + 1, 1)
        select = select.where((Activity.date >= start) & (Activity.date < end))
    select = select.order_by(Activity.date.desc(), Activity.id.desc()).limit(limit).offset(offset)
    return [ActivityRow(a.id, a.date, a.kind_name, a.branch_name, a.room_name or _("外出"), a.topic, a.lecturer,
                        attendance(a.members_present, a.members_expected, a.others))
            for a in select.objects()]


def attendance(present: int, expected: int, others: int) -> str:
    """党员 7/10 +12: members present of those expected, plus other attendees."""
    members = f"{present}/{expected}" if expected else ""
    extra = (f"+{others}" if members else _("{n}人").format(n=others)) if others else ""
    return " ".join(part for part in (members, extra) if part) or "—"


def activities_in_year(year: int, as_of: dt.date | None = None) -> int:
    year = parse_int(year, "year", "年度", MIN_YEAR, MAX_YEAR, required=True)
    as_of = as_day(as_of)
    end = min(dt.date(year, 12, 31), as_of) if as_of else dt.date(year, 12, 31)
    return Activity.select().where((Activity.date >= dt.date(year, 1, 1)) & (Activity.date <= end)).count()


def branch_context() -> tuple[dict[int, int], dict[int, int]]:
    """Per branch: members in good standing (expected at a meeting), and its room."""
    expected = dict(Member.select(Member.branch, fn.COUNT(Member.id)).where(Member.status == "正常")
                    .group_by(Member.branch).tuples())
    rooms = {branch: room for room, branch in Room.select(Room.id, Room.branch).tuples()}
    return expected, rooms
