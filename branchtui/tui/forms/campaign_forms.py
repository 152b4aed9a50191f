"""The campaign's forms: a branch's progress, a phase's actual dates, a problem."""

from __future__ import annotations

from typing import Any

from branchtui.domain import campaign as domain
from branchtui.domain.branches import branch_choices
from branchtui.domain.parse import clean_text, parse_date, parse_int
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


def _branches() -> list[tuple[str, str]]:
    return [(n, str(i)) for n, i in branch_choices()]


class BranchProgressForm(FormScreen):
    NEW_TITLE = "支部进度"
    SAVE_AND_NEXT = False
    FIELDS = [
        FieldSpec("branch", "支部", "select"),
        FieldSpec("phase", "已进入阶段", "select"),
        FieldSpec("members_taking_part", "参加党员数",
                  check=lambda v: parse_int(v, "members_taking_part", "参加党员数", 0, 100000)),
        FieldSpec("completed_on", "完成日期", placeholder="全部阶段完成时填写",
                  check=lambda v: parse_date(v, "completed_on", "完成日期", required=False)),
    ]

    def __init__(self, campaign_id: int, phases, initial: dict | None = None) -> None:
        super().__init__(initial=initial)
        self.campaign_id = campaign_id
        self.phase_options = [(f"{p.position}. {p.name}", str(p.id)) for p in phases]

    def load(self) -> dict[str, Any]:
        return {"values": {}, "options": {"branch": _branches(), "phase": self.phase_options}}

    def save(self, values: dict[str, str]):
        return domain.set_branch_progress(self.campaign_id, values, today=self.app.today)

    def saved_label(self, record) -> str:
        return record.branch.name


class PhaseForm(FormScreen):
    NEW_TITLE = "阶段实际日期"
    SAVE_AND_NEXT = False
    FIELDS = [
        FieldSpec("phase", "阶段", "select"),
        FieldSpec("actual_start", "实际开始", check=lambda v: parse_date(v, "actual_start", "实际开始", required=False)),
        FieldSpec("actual_end", "实际结束", check=lambda v: parse_date(v, "actual_end", "实际结束", required=False)),
    ]

    def __init__(self, campaign_id: int, phases) -> None:
        current = next((p for p in phases if not p.actual_end), phases[-1] if phases else None)
        initial = {}
        if current is not None:
            initial = {"phase": str(current.id),
                       "actual_start": current.actual_start.isoformat() if current.actual_start else ""}
        super().__init__(initial=initial)
        self.campaign_id = campaign_id
        self.phase_options = [(f"{p.position}. {p.name}", str(p.id)) for p in phases]

    def load(self) -> dict[str, Any]:
        return {"values": {}, "options": {"phase": self.phase_options}}

    def save(self, values: dict[str, str]):
        return domain.record_phase(self.campaign_id, values, today=self.app.today)


class ProblemForm(FormScreen):
    NEW_TITLE = "登记问题"
    EDIT_TITLE = "问题整改"
    FIELDS = [
        FieldSpec("raised", "反映的问题", check=lambda v: clean_text(v, "raised", "反映的问题", 200, required=True)),
        FieldSpec("source", "来源", "select", keep=True, options=[(_(s), s) for s in domain.SURVEY_KINDS]),
        FieldSpec("branch", "涉及支部", "select", keep=True),
        FieldSpec("rectification", "整改措施", check=lambda v: clean_text(v, "rectification", "整改措施", 200)),
        FieldSpec("status", "整改状态", "select", options=[(_(s), s) for s in domain.PROBLEM_STATUSES]),
        FieldSpec("due", "整改期限", check=lambda v: parse_date(v, "due", "整改期限", required=False)),
    ]

    def __init__(self, campaign_id: int, problem=None) -> None:
        super().__init__(problem.id if problem else None)
        self.campaign_id = campaign_id
        self.problem = problem

    def load(self) -> dict[str, Any]:
        p = self.problem
        values = {"source": "调查表", "status": "待整改"} if p is None else {
            "raised": p.raised, "source": p.source, "branch": p.branch_id or "", "rectification": p.rectification,
            "status": p.status, "due": p.due.isoformat() if p.due else ""}
        return {"values": values, "options": {"branch": _branches()}}

    def save(self, values: dict[str, str]):
        return domain.save_problem(self.campaign_id, values, problem_id=self.record_id)

    def saved_label(self, record) -> str:
        return record.raised
