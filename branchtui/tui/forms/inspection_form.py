"""新增检查: one room checked against a standard, one result per item."""

from __future__ import annotations

from typing import Any

from branchtui.domain.inspections import ItemResult, record_inspection
from branchtui.domain.parse import clean_text, parse_date
from branchtui.domain.standards import StandardInfo
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen

RESULT_OPTIONS = [("达标", "1"), ("不达标", "0")]  # (label, value): labels translated when shown


class InspectionForm(FormScreen):
    NEW_TITLE = "新增检查"
    SAVE_AND_NEXT = False

    def __init__(self, room_id: int, standard: StandardInfo, ledger: dict[int, bool]) -> None:
        # One result row and one note per item of this standard.
        self.FIELDS = [
            FieldSpec("date", "检查日期", check=lambda v: parse_date(v, "date", "检查日期")),
            FieldSpec("inspector", "检查人",
                      check=lambda v: clean_text(v, "inspector", "检查人", 30, required=True)),
        ]
        for item in standard.items:
            self.FIELDS.append(FieldSpec(f"item-{item.id}", item.name, "select",
                                         options=[(_(label), value) for label, value in RESULT_OPTIONS]))
            self.FIELDS.append(FieldSpec(f"note-{item.id}", _("说明"), placeholder=item.requirement,
                                         check=lambda v: clean_text(v, "note", "说明", 200)))
        super().__init__()
        self.room_id = room_id
        self.standard = standard
        self.ledger = ledger

    def load(self) -> dict[str, Any]:
        values = {"date": self.app.today.isoformat()}
        for item in self.standard.items:  # start from what the ledger says
            values[f"item-{item.id}"] = "1" if self.ledger.get(item.id) else "0"
        return {"values": values, "options": {}}

    def save(self, values: dict[str, str]):
        results = [ItemResult(item.id, values[f"item-{item.id}"] == "1", values[f"note-{item.id}"])
                   for item in self.standard.items]
        return record_inspection(self.room_id, values, results, standard_id=self.standard.id,
                                 today=self.app.today)

    def saved_label(self, record) -> str:
        return _("检查记录")
