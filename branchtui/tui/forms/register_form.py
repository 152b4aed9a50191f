"""登记底册: a dated set of a branch's community figures."""

from __future__ import annotations

from typing import Any

from branchtui.domain import registers as domain
from branchtui.domain.branches import branch_choices
from branchtui.domain.parse import clean_text, parse_date, parse_int
from branchtui.tui.forms.base import FieldSpec, FormScreen


def _figure(key: str, label: str) -> FieldSpec:
    return FieldSpec(key, label, check=lambda v: parse_int(v, key, label, 0, 10_000_000, required=True))


class RegisterForm(FormScreen):
    NEW_TITLE = "登记底册"
    FIELDS = [
        FieldSpec("branch", "支部", "select", keep=True),
        FieldSpec("date", "统计日期", keep=True, check=lambda v: parse_date(v, "date", "统计日期")),
        *(_figure(key, label) for key, label in domain.FIGURES),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def load(self) -> dict[str, Any]:
        return {"values": {"date": self.app.today.isoformat()},
                "options": {"branch": [(n, str(i)) for n, i in branch_choices()]}}

    def save(self, values: dict[str, str]):
        return domain.save_register(values, today=self.app.today)

    def saved_label(self, record) -> str:
        return record.branch.name
