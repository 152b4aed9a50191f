"""设定目标: the expected count of one measure for a branch and year."""

from __future__ import annotations

from typing import Any

from branchtui.domain import targets as domain
from branchtui.domain.branches import branch_choices
from branchtui.domain.parse import parse_int
from branchtui.domain.targets import TARGET_MAX
from branchtui.tui.forms.base import FieldSpec, FormScreen


class TargetForm(FormScreen):
    NEW_TITLE = "设定目标"
    FIELDS = [
        FieldSpec("branch", "支部", "select", keep=True),
        FieldSpec("year", "年度", keep=True, check=lambda v: parse_int(v, "year", "年度", 1990, 2100, required=True)),
        FieldSpec("measure", "考核项目", "select"),
        FieldSpec("expected", "目标数", check=lambda v: parse_int(v, "expected", "目标数", 0, TARGET_MAX, required=True)),
    ]

    def load(self) -> dict[str, Any]:
        return {"values": {}, "options": {"branch": [(n, str(i)) for n, i in branch_choices()],
                                          "measure": domain.measure_choices()}}

    def save(self, values: dict[str, str]):
        return domain.set_target(values)

    def saved_label(self, record) -> str:
        return f"{record.year} {domain.measure_label(record.measure)} {record.expected}"
