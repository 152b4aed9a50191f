"""保存本轮检查: the date and inspector of a round from the checklist matrix."""

from __future__ import annotations

from typing import Any

from branchtui.domain.inspections import ItemResult, record_round
from branchtui.domain.parse import clean_text, parse_date
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


class RoundForm(FormScreen):
    NEW_TITLE = "保存本轮检查"
    SAVE_AND_NEXT = False
    FIELDS = [
        # The inspector first: the date is already today's.
        FieldSpec("inspector", "检查人", check=lambda v: clean_text(v, "inspector", "检查人", 30, required=True)),
        FieldSpec("date", "检查日期", check=lambda v: parse_date(v, "date", "检查日期")),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def __init__(self, standard, results: dict[int, list[tuple[int, bool]]]) -> None:
        super().__init__()
        self.standard = standard
        self.results = results

    def load(self) -> dict[str, Any]:
        return {"values": {"date": self.app.today.isoformat(), "inspector": ""}, "options": {}}

    def on_mount(self) -> None:
        super().on_mount()
        failed = sum(1 for rows in self.results.values() for _item, ok in rows if not ok)
        self.query_one("#dialog").border_subtitle = _("{n} 个活动室 · {f} 项不达标 · 标准“{std}”").format(
            n=len(self.results), f=failed, std=self.standard.name)

    def save(self, values: dict[str, str]):
        rooms = {room: [ItemResult(item, ok) for item, ok in rows] for room, rows in self.results.items()}
        inspections = record_round(values, rooms, standard_id=self.standard.id, today=self.app.today)
        return inspections[0]

    def saved_label(self, record) -> str:
        return _("本轮检查（{n} 个活动室）").format(n=len(self.results))
