"""年终考核 / 登记荣誉."""

from __future__ import annotations

from typing import Any

from branchtui.domain import honours as domain
from branchtui.domain.branches import branch_choices
from branchtui.domain.parse import clean_text, parse_int
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen

YES_NO = [(_("是"), "是"), (_("否"), "否")]


def _branches() -> list[tuple[str, str]]:
    return [(n, str(i)) for n, i in branch_choices()]


def _done(key: str, label: str) -> list[FieldSpec]:
    note = key.replace("_ok", "_note")
    return [FieldSpec(key, label, "select", options=YES_NO),
            FieldSpec(note, "说明", check=lambda v: clean_text(v, note, "说明", 200))]


class AppraisalForm(FormScreen):
    NEW_TITLE = "年终考核"
    FIELDS = [
        FieldSpec("branch", "支部", "select"),
        FieldSpec("year", "年度", keep=True, check=lambda v: parse_int(v, "year", "年度", 1990, 2100, required=True)),
        FieldSpec("secretary", "书记", check=lambda v: clean_text(v, "secretary", "书记", 30)),
        *_done("goals_ok", "目标落实"),
        *_done("rules_ok", "制度落实"),
        *_done("tasks_ok", "任务落实"),
        FieldSpec("score", "得分", check=lambda v: parse_int(v, "score", "得分", 0, 100)),
    ]

    def load(self) -> dict[str, Any]:
        return {"values": {"goals_ok": "是", "rules_ok": "是", "tasks_ok": "是"}, "options": {"branch": _branches()}}

    def save(self, values: dict[str, str]):
        return domain.save_appraisal(values)

    def saved_label(self, record) -> str:
        return f"{record.year} {record.branch.name}"


class HonourForm(FormScreen):
    NEW_TITLE = "登记荣誉"
    FIELDS = [
        FieldSpec("name", "荣誉称号", placeholder="如 先进基层党组织、优秀党务工作者",
                  check=lambda v: clean_text(v, "name", "荣誉称号", 40, required=True)),
        FieldSpec("level", "级别", "select", keep=True, options=[(_(v), v) for v in domain.LEVELS]),
        FieldSpec("year", "年度", keep=True, check=lambda v: parse_int(v, "year", "年度", 1949, 2100, required=True)),
        FieldSpec("branch", "支部", "select"),
        FieldSpec("person", "获奖个人", check=lambda v: clean_text(v, "person", "获奖个人", 30)),
    ]

    def load(self) -> dict[str, Any]:
        return {"values": {"level": "区级"}, "options": {"branch": _branches()}}

    def save(self, values: dict[str, str]):
        return domain.save_honour(values)
