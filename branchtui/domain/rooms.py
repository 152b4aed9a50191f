"""Party-member activity rooms (一居一支一室: at most one per branch)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from peewee import IntegrityError

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound, ValidationError
from branchtui.domain.parse import clean_text, parse_choice, parse_int, parse_money, record_id
from branchtui.i18n import _
from branchtui.store.models import Branch, Room

ORIGINS = ("新建", "改建", "既有")
COMMON_TAGS = ("市民学校", "人口学校", "远程教育", "图书室", "再就业培训")


def parse_tags(value) -> str:
    """市民学校、人口学校 or 市民学校,人口学校 → one canonical comma-separated list."""
    text = clean_text(value, "tags", "多功能用途", 200)
    parts = [p for p in re.split(r"[,，、;；/\s]+", text) if p]
    return ",".join(dict.fromkeys(parts))


def validate_room(data: Mapping[str, Any], *, room_id: int | None = None,
                  today: dt.date | None = None) -> dict:
    c = Collector()
    v = {
        "name": c.take("name", clean_text, data.get("name"), "name", "活动室名称", 60, required=True),
        "address": c.take("address", clean_text, data.get("address"), "address", "地址", 120),
        "area_m2": c.take("area_m2", parse_int, data.get("area_m2"), "area_m2", "面积（平方米）",
                          minimum=1, maximum=100000),
        "manager": c.take("manager", clean_text, data.get("manager"), "manager", "管理员", 30),
        "open_hours": c.take("open_hours", clean_text, data.get("open_hours"), "open_hours",
                             "开放时间", 60),
        "build_cost": c.take("build_cost", parse_money, data.get("build_cost"), "build_cost",
                             "建设投入"),
        "notes": c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500),
        "origin": c.take("origin", parse_choice, data.get("origin") or "既有", ORIGINS, "origin", "来源"),
        "origin_year": c.take("origin_year", parse_int, data.get("origin_year"), "origin_year",
                              "建成年份", minimum=1949, maximum=(today or dt.date.today()).year),
        "tags": c.take("tags", parse_tags, data.get("tags")),
    }
    if v["origin"] in ("新建", "改建") and v["origin_year"] is None and "origin_year" not in c.errors:
        c.add("origin_year", _("新建或改建的活动室请填写年份"))
    if v["build_cost"] is None:
        v["build_cost"] = 0
    branch = c.ref("branch", Branch, data.get("branch"), _("请选择所属支部"))
    if branch is not None:
        v["branch"] = branch.id
        taken = Room.select().where((Room.branch == branch.id) & (Room.id != (room_id or 0))).first()
        if taken:
            c.add("branch", _("{branch}已有活动室“{room}”：一个支部只设一个活动室").format(
                branch=branch.name, room=taken.name))
    c.raise_if_any()
    return v


def room_of_branch(branch_id: int) -> Room | None:
    return Room.get_or_none(Room.branch == record_id(branch_id))


def get_room(room_id: int) -> Room:
    room = Room.get_or_none(Room.id == record_id(room_id))
    if room is None:
        raise NotFound(_("活动室记录不存在（可能已被他人删除）"))
    return room


def save_room(data: Mapping[str, Any], *, room_id: int | None = None,
              today: dt.date | None = None) -> Room:
    """Create the branch's room, or update room ``room_id``."""
    try:
        with audit.transaction():
            room = get_room(room_id) if room_id is not None else Room()
            audit.check_role(Room, room if room_id is not None else None)
            for key, value in validate_room(data, room_id=room_id, today=today).items():
                setattr(room, key, value)
            audit.save_audited(room)
    except IntegrityError:
        raise ValidationError("branch", _("该支部已有活动室：一个支部只设一个活动室")) from None
    return room


def room_choices() -> list[tuple[str, str]]:
    """("branch · room", id) of every room, for pickers."""
    rows = Room.select(Room.id, Room.name, Branch.name.alias("branch_name")).join(Branch).order_by(Branch.id)
    return [(f"{r.branch_name} · {r.name}", str(r.id)) for r in rows.objects()]
