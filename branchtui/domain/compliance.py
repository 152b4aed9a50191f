"""Which rooms meet a standard, derived from the records, never typed twice.

A room's compliance is its latest inspection against the standard. The
ledger gives a second opinion on equipment items: an item is present only
when a piece of equipment for it is in working order (完好). Where the two
disagree the room shows it, so that someone goes and looks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from branchtui.domain.equipment import WORKING
from branchtui.domain.standards import StandardInfo, current_standard
from branchtui.store.models import Branch, Equipment, Inspection, InspectionResult, Room

EQUIPMENT_CATEGORY = "设施"


@dataclass(frozen=True)
class Cell:
    item_id: int
    item: str
    inspected: bool | None  # the latest inspection's result; None: not inspected
    ledger: bool | None  # a working piece in the ledger; None: the ledger has no say
    note: str = ""

    @property
    def disagrees(self) -> bool:
        return self.inspected is not None and self.ledger is not None and self.inspected != self.ledger


@dataclass(frozen=True)
class RoomCompliance:
    room_id: int
    room: str
    branch_id: int
    branch: str
    last_inspected: dt.date | None
    cells: tuple[Cell, ...]

    @property
    def meets(self) -> bool:
        return bool(self.cells) and all(c.inspected for c in self.cells)

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cells if c.inspected)

    @property
    def missing(self) -> list[str]:
        """Items the latest inspection found short, or never inspected."""
        return [c.item for c in self.cells if not c.inspected]

    @property
    def disagreements(self) -> list[str]:
        return [c.item for c in self.cells if c.disagrees]


def latest_inspections(standard_id: int, as_of: dt.date | None = None):
    """The latest inspection of each room against the standard (portable SQL:
    no window functions, one NOT EXISTS)."""
    Later = Inspection.alias()
    later = (Later.select(Later.id).where(
        (Later.room == Inspection.room) & (Later.standard == Inspection.standard)
        & ((Later.date > Inspection.date) | ((Later.date == Inspection.date) & (Later.id > Inspection.id)))))
    query = Inspection.select().where(Inspection.standard == standard_id)
    if as_of is not None:
        query = query.where(Inspection.date <= as_of)
        later = later.where(Later.date <= as_of)
    return query.where(~fn.EXISTS(later))


def room_compliance(standard: StandardInfo | None = None, *, as_of: dt.date | None = None,
                    room_id: int | None = None) -> list[RoomCompliance]:
    """Compliance of every room (or one) with ``standard`` (the current one by default)."""
    standard = standard or current_standard()
    if standard is None:
        return []
    rooms = (Room.select(Room.id, Room.name, Branch.id.alias("bid"), Branch.name.alias("bname"))
             .join(Branch).order_by(Branch.id))
    if room_id is not None:
        rooms = rooms.where(Room.id == room_id)
    rooms = list(rooms.objects())
    if not rooms:
        return []
    item_ids = [item.id for item in standard.items]

    latest = {i.room_id: i for i in latest_inspections(standard.id, as_of)}
    room_of = {i.id: room for room, i in latest.items()}
    results: dict[tuple[int, int], InspectionResult] = {}
    if latest:
        for r in InspectionResult.select().where(InspectionResult.inspection << list(room_of)):
            results[(room_of[r.inspection_id], r.item_id)] = r

    working: dict[tuple[int, int], bool] = {}
    pieces = (Equipment.select(Equipment.room, Equipment.item, Equipment.condition)
              .where(Equipment.item << item_ids))
    if as_of is not None:
        pieces = pieces.where(Equipment.purchase_date.is_null() | (Equipment.purchase_date <= as_of))
    for piece in pieces:
        key = (piece.room_id, piece.item_id)
        working[key] = working.get(key, False) or piece.condition == WORKING

    out = []
    for room in rooms:
        cells = []
        for item in standard.items:
            result = results.get((room.id, item.id))
            has_say = (room.id, item.id) in working or item.category == EQUIPMENT_CATEGORY
            cells.append(Cell(item.id, item.name,
                              None if result is None else bool(result.passed),
                              working.get((room.id, item.id), False) if has_say else None,
                              result.note if result else ""))
        inspection = latest.get(room.id)
        out.append(RoomCompliance(room.id, room.name, room.bid, room.bname,
                                  inspection.date if inspection else None, tuple(cells)))
    return out


def invested_fen(as_of: dt.date | None = None) -> int:
    """Money put into rooms: building plus equipment, in fen."""
    build = Room.select(fn.SUM(Room.build_cost).coerce(False))
    equipment = Equipment.select(fn.SUM(Equipment.cost).coerce(False))
    if as_of is not None:
        # a room counts from the year it was built (or rebuilt); one with no year has always been there
        build = build.where(Room.origin_year.is_null() | (Room.origin_year <= as_of.year))
        equipment = equipment.where(Equipment.purchase_date.is_null() | (Equipment.purchase_date <= as_of))
    return int(build.scalar() or 0) + int(equipment.scalar() or 0)
