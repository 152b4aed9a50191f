"""Rules and handbooks posted in a room (制度上墙)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound
from branchtui.domain.parse import clean_text, parse_date, record_id
from branchtui.i18n import _
from branchtui.store.models import Room, RoomRule

COMMON_RULES = ("管理制度", "活动制度", "使用制度", "岗位职责")


def get_rule(rule_id: int) -> RoomRule:
    rule = RoomRule.get_or_none(RoomRule.id == record_id(rule_id))
    if rule is None:
        raise NotFound(_("制度记录不存在（可能已被他人删除）"))
    return rule


def save_rule(data: Mapping[str, Any], *, rule_id: int | None = None,
              today: dt.date | None = None) -> RoomRule:
    today = today or dt.date.today()
    with audit.transaction():
        rule = get_rule(rule_id) if rule_id else RoomRule()
        audit.check_role(RoomRule, rule if rule_id else None)
        c = Collector()
        name = c.take("name", clean_text, data.get("name"), "name", "制度名称", 30, required=True)
        adopted = c.take("adopted", parse_date, data.get("adopted"), "adopted", "制定日期", required=False)
        notes = c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500)
        posted = str(data.get("posted", "是")).strip() not in ("否", "False", "0", "")
        if adopted and adopted > today:
            c.add("adopted", _("制定日期不能晚于今天"))
        room = c.ref("room", Room, data.get("room"), _("请选择活动室"))
        if room is not None and name and RoomRule.select().where(
                (RoomRule.room == room.id) & (RoomRule.name == name) & (RoomRule.id != (rule_id or 0))).exists():
            c.add("name", _("本活动室已登记“{name}”").format(name=name))
        c.raise_if_any()
        rule.room, rule.name, rule.adopted, rule.posted, rule.notes = room.id, name, adopted, posted, notes
        audit.save_audited(rule)
    return rule


def rules_of(room_id: int) -> list[RoomRule]:
    room = record_id(room_id)
    if room is None:  # names no room: no rules
        return []
    return list(RoomRule.select().where(RoomRule.room == room).order_by(RoomRule.id))
