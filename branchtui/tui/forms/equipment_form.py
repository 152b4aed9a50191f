"""设备台账: a piece of equipment in a room's ledger."""

from __future__ import annotations

from typing import Any

from branchtui.domain import equipment as domain
from branchtui.domain.parse import clean_text, parse_date, parse_money
from branchtui.domain.rooms import room_choices
from branchtui.domain.standards import item_choices
from branchtui.tui.background import run_db
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


def open_ledger_record(screen, room_id: int, item_id: int) -> None:
    """Enter on a checklist cell: the piece behind it, or a new one for it."""

    def opened(piece) -> None:
        form = EquipmentForm(piece.id) if piece else EquipmentForm(
            initial={"room": str(room_id), "item": str(item_id)})
        screen.app.push_screen(form)

    run_db(screen, lambda: domain.piece_for(room_id, item_id), opened, group="ledger-open")


class EquipmentForm(FormScreen):
    NEW_TITLE = "登记设备"
    EDIT_TITLE = "编辑设备台账"
    FIELDS = [
        FieldSpec("room", "活动室", "select", keep=True),
        FieldSpec("item", "对应标准项目", "select"),
        FieldSpec("name", "设备名称", placeholder="如 长虹彩电 29 寸",
                  check=lambda v: clean_text(v, "name", "设备名称", 60, required=True)),
        FieldSpec("asset_no", "资产编号", check=lambda v: clean_text(v, "asset_no", "资产编号", 30)),
        FieldSpec("purchase_date", "购置日期", keep=True,
                  check=lambda v: parse_date(v, "purchase_date", "购置日期", required=False)),
        FieldSpec("cost", "金额（元）", placeholder="如 1000、0.1万",
                  check=lambda v: parse_money(v, "cost", "金额")),
        FieldSpec("funding", "资金来源", keep=True, placeholder="如 镇党委筹资",
                  check=lambda v: clean_text(v, "funding", "资金来源", 60)),
        FieldSpec("condition", "状况", "select", options=[(_(c), c) for c in domain.CONDITIONS]),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def load(self) -> dict[str, Any]:
        options = {"room": room_choices(), "item": item_choices()}
        if self.record_id is None:
            return {"values": {"condition": domain.WORKING}, "options": options}
        p = domain.get_equipment(self.record_id)
        return {"values": {
            "room": p.room_id, "item": p.item_id or "", "name": p.name, "asset_no": p.asset_no,
            "purchase_date": p.purchase_date.isoformat() if p.purchase_date else "",
            "cost": p.cost if p.cost else "", "funding": p.funding, "condition": p.condition,
            "notes": p.notes}, "options": options}

    def save(self, values: dict[str, str]):
        return domain.save_equipment(values, equipment_id=self.record_id, today=self.app.today)
