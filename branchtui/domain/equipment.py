"""The equipment ledger of a room (登记造册)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from peewee import JOIN, fn

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound
from branchtui.domain.parse import clean_text, parse_choice, parse_date, parse_money, record_id
from branchtui.i18n import _
from branchtui.store.models import Equipment, Room, StandardItem

CONDITIONS = ("完好", "损坏", "丢失")
WORKING = "完好"


def get_equipment(equipment_id: int) -> Equipment:
    piece = Equipment.get_or_none(Equipment.id == record_id(equipment_id))
    if piece is None:
        raise NotFound(_("设备记录不存在（可能已被他人删除）"))
    return piece


def validate_equipment(data: Mapping[str, Any], *, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    c = Collector()
    v = {
        "name": c.take("name", clean_text, data.get("name"), "name", "设备名称", 60, required=True),
        "asset_no": c.take("asset_no", clean_text, data.get("asset_no"), "asset_no", "资产编号", 30),
        "purchase_date": c.take("purchase_date", parse_date, data.get("purchase_date"),
                                "purchase_date", "购置日期", required=False),
        "cost": c.take("cost", parse_money, data.get("cost"), "cost", "金额"),
        "funding": c.take("funding", clean_text, data.get("funding"), "funding", "资金来源", 60),
        "condition": c.take("condition", parse_choice, data.get("condition") or WORKING, CONDITIONS,
                            "condition", "状况"),
        "notes": c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500),
    }
    if v["cost"] is None:
        v["cost"] = 0
    if v["purchase_date"] and v["purchase_date"] > today:
        c.add("purchase_date", _("购置日期不能晚于今天"))
    room = c.ref("room", Room, data.get("room"), _("请选择活动室"))
    v["room"] = room.id if room else None
    item = c.ref("item", StandardItem, data.get("item"), _("所选标准项目不存在"), required=False)
    v["item"] = item.id if item else None
    c.raise_if_any()
    return v


def save_equipment(data: Mapping[str, Any], *, equipment_id: int | None = None,
                   today: dt.date | None = None) -> Equipment:
    with audit.transaction():
        piece = get_equipment(equipment_id) if equipment_id else Equipment()
        audit.check_role(Equipment, piece if equipment_id else None)
        for key, value in validate_equipment(data, today=today).items():
            setattr(piece, key, value)
        audit.save_audited(piece)
    return piece


def ledger(room_id: int) -> list[Equipment]:
    return list(Equipment.select(Equipment, StandardItem)
                .join(StandardItem, JOIN.LEFT_OUTER, on=(Equipment.item == StandardItem.id))
                .where(Equipment.room == record_id(room_id))
                .order_by(fn.COALESCE(StandardItem.position, 9999), Equipment.id))


def piece_for(room_id: int, item_id: int) -> Equipment | None:
    """The ledger record behind a checklist cell: a working piece first."""
    return (Equipment.select().where((Equipment.room == record_id(room_id)) & (Equipment.item == record_id(item_id)))
            .order_by((Equipment.condition == WORKING).desc(), Equipment.id.desc()).first())
