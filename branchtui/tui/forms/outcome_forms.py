"""登记两户 / 登记再就业: what the loans and trainings achieved."""

from __future__ import annotations

from typing import Any

from branchtui.domain.branches import branch_choices
from branchtui.domain.loans import outcomes as domain
from branchtui.domain.parse import clean_name, clean_text, parse_date, parse_int
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


def _branches() -> list[tuple[str, str]]:
    return [(name, str(bid)) for name, bid in branch_choices()]


class BusinessForm(FormScreen):
    NEW_TITLE = "登记“两户”"
    FIELDS = [
        FieldSpec("name", "字号名称", placeholder="如 刘文宪洗车行",
                  check=lambda v: clean_text(v, "name", "字号名称", 60, required=True)),
        FieldSpec("kind", "类型", "select", keep=True, options=[(_(k), k) for k in domain.BUSINESS_KINDS]),
        FieldSpec("owner", "业主", check=lambda v: clean_text(v, "owner", "业主", 30)),
        FieldSpec("registered", "登记日期", keep=True, check=lambda v: parse_date(v, "registered", "登记日期")),
        FieldSpec("employees", "从业人数", check=lambda v: parse_int(v, "employees", "从业人数", 1, 100000)),
        FieldSpec("branch", "所在支部", "select", keep=True),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def load(self) -> dict[str, Any]:
        return {"values": {"kind": "个体工商户", "registered": self.app.today.isoformat(), "employees": "1"},
                "options": {"branch": _branches()}}

    def save(self, values: dict[str, str]):
        return domain.save_business(values, today=self.app.today)


class PlacementForm(FormScreen):
    NEW_TITLE = "登记再就业"
    FIELDS = [
        FieldSpec("person", "姓名", check=lambda v: clean_name(v, "person", "姓名")),
        FieldSpec("date", "安置日期", keep=True, check=lambda v: parse_date(v, "date", "安置日期")),
        FieldSpec("channel", "渠道", "select", keep=True, options=[(_(c), c) for c in domain.CHANNELS]),
        FieldSpec("branch", "所在支部", "select", keep=True),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def load(self) -> dict[str, Any]:
        return {"values": {"date": self.app.today.isoformat(), "channel": "培训"},
                "options": {"branch": _branches()}}

    def save(self, values: dict[str, str]):
        return domain.save_placement(values, today=self.app.today)

    def saved_label(self, record) -> str:
        return record.person
