"""Inspections of rooms against a standard: dated, by an inspector, one
result per item. The history is kept; nothing is edited in place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from peewee import IntegrityError

from branchtui.domain import audit
from branchtui.domain.errors import Collector, ValidationError
from branchtui.domain.parse import clean_text, parse_date, record_id
from branchtui.domain.standards import get_standard
from branchtui.i18n import _
from branchtui.store.models import Inspection, InspectionResult, Room, StandardItem


@dataclass(frozen=True)
class ItemResult:
    item_id: int
    passed: bool
    note: str = ""


def _header(data: Mapping[str, Any], today: dt.date, c: Collector) -> tuple[dt.date | None, str]:
    date = c.take("date", parse_date, data.get("date"), "date", "检查日期")
    if date and date > today:
        c.add("date", _("检查日期不能晚于今天"))
    inspector = c.take("inspector", clean_text, data.get("inspector"), "inspector", "检查人", 30,
                       required=True)
    return date, inspector


def _check_results(standard_id: int, results: list[ItemResult], c: Collector) -> None:
    allowed = {item.id for item in get_standard(standard_id).items}
    seen = set()
    for result in results:
        if result.item_id not in allowed:
            item = StandardItem.get_or_none(StandardItem.id == result.item_id)
            c.add("results", _("“{name}”不是本标准的项目").format(name=item.name if item else result.item_id))
        if result.item_id in seen:
            c.add("results", _("同一项目只能有一个检查结果"))
        seen.add(result.item_id)
        if len(result.note) > 200:
            c.add("results", _("检查说明最多 200 字"))
    if not results:
        c.add("results", _("至少要有一个项目的检查结果"))


def record_round(data: Mapping[str, Any], rooms: Mapping[int, list[ItemResult]], *,
                 standard_id: int, today: dt.date | None = None) -> list[Inspection]:
    """One inspection per room, all on one date by one inspector, in one transaction."""
    today = today or dt.date.today()
    created = []
    try:
        with audit.transaction():
            audit.check_role(Inspection)
            c = Collector()
            date, inspector = _header(data, today, c)
            notes = c.take("notes", clean_text, data.get("notes"), "notes", "备注", 500)
            known = {r.id for r in Room.select(Room.id).where(Room.id << list(rooms))} if rooms else set()
            if not rooms:
                c.add("results", _("本轮没有要记录的活动室"))
            for room_id, results in rooms.items():
                if room_id not in known:
                    c.add("results", _("活动室不存在（可能已被他人删除）"))
                _check_results(standard_id, results, c)
            c.raise_if_any()
            for room_id, results in rooms.items():
                inspection = Inspection(room=room_id, standard=standard_id, date=date,
                                        inspector=inspector, notes=notes)
                audit.save_audited(inspection)
                for result in results:
                    row = InspectionResult(inspection=inspection, item=result.item_id,
                                           passed=result.passed, note=result.note.strip())
                    audit.save_audited(row)
                created.append(inspection)
    except IntegrityError:
        raise ValidationError("results", _("同一项目只能有一个检查结果")) from None
    return created


def record_inspection(room_id: int, data: Mapping[str, Any], results: list[ItemResult], *,
                      standard_id: int, today: dt.date | None = None) -> Inspection:
    return record_round(data, {room_id: results}, standard_id=standard_id, today=today)[0]


@dataclass(frozen=True)
class InspectionRow:
    id: int
    date: dt.date
    inspector: str
    standard: str
    passed: int
    total: int
    failed_items: tuple[str, ...]


def history(room_id: int, limit: int = 50) -> list[InspectionRow]:
    """A room's inspections, newest first, with what failed each time."""
    from branchtui.store.models import Standard

    room = record_id(room_id)
    if room is None:  # names no room: no inspections
        return []
    inspections = list(Inspection.select(Inspection, Standard).join(Standard)
                       .where(Inspection.room == room)
                       .order_by(Inspection.date.desc(), Inspection.id.desc()).limit(limit))
    if not inspections:
        return []
    by_inspection: dict[int, list] = {i.id: [] for i in inspections}
    for r in (InspectionResult.select(InspectionResult, StandardItem).join(StandardItem)
              .where(InspectionResult.inspection << list(by_inspection))
              .order_by(StandardItem.position)):
        by_inspection[r.inspection_id].append(r)
    rows = []
    for i in inspections:
        results = by_inspection[i.id]
        rows.append(InspectionRow(
            i.id, i.date, i.inspector, i.standard.name, sum(1 for r in results if r.passed),
            len(results),
            tuple(r.item.name + (f"（{r.note}）" if r.note else "") for r in results if not r.passed)))
    return rows
