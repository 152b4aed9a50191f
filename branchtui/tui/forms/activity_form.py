"""新增活动: an activity in a few keys; the members expected come from the branch."""

from __future__ import annotations

from typing import Any

from textual.widgets import Select

from branchtui.domain import activities as domain
from branchtui.domain.branches import branch_choices
from branchtui.domain.parse import clean_text, parse_date, parse_int
from branchtui.domain.rooms import room_choices
from branchtui.tui.forms.base import FieldSpec, FormScreen


class ActivityForm(FormScreen):
    NEW_TITLE = "新增活动"
    EDIT_TITLE = "编辑活动"
    FIELDS = [
        FieldSpec("kind", "类别", "select", keep=True),
        FieldSpec("date", "日期", keep=True, check=lambda v: parse_date(v, "date", "活动日期")),
        FieldSpec("branch", "支部", "select", keep=True),
        FieldSpec("room", "地点", "select", keep=True),
        FieldSpec("topic", "主题", check=lambda v: clean_text(v, "topic", "主题", 100, required=True)),
        FieldSpec("lecturer", "主讲人", keep=True, check=lambda v: clean_text(v, "lecturer", "主讲人", 30)),
        FieldSpec("members_expected", "应到党员", check=lambda v: parse_int(v, "members_expected", "应到党员", 0, 100000)),
        FieldSpec("members_present", "实到党员", check=lambda v: parse_int(v, "members_present", "实到党员", 0, 100000)),
        FieldSpec("others", "其他参加", placeholder="群众、居民人数",
                  check=lambda v: parse_int(v, "others", "其他参加人数", 0, 100000)),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def __init__(self, record_id: int | None = None, initial: dict | None = None) -> None:
        super().__init__(record_id, initial)
        self.expected_by_branch: dict[str, int] = {}
        self.room_by_branch: dict[str, str] = {}

    def load(self) -> dict[str, Any]:
        expected, rooms = domain.branch_context()
        self.expected_by_branch = {str(b): n for b, n in expected.items()}
        self.room_by_branch = {str(b): str(r) for b, r in rooms.items()}
        options = {"kind": domain.kind_choices(), "branch": [(n, str(i)) for n, i in branch_choices()],
                   "room": room_choices()}
        if self.record_id is None:
            return {"values": {"date": self.app.today.isoformat()}, "options": options}
        a = domain.get_activity(self.record_id)
        return {"values": {"kind": a.kind_id, "date": a.date.isoformat(), "branch": a.branch_id,
                           "room": a.room_id or "", "topic": a.topic, "lecturer": a.lecturer,
                           "members_expected": a.members_expected, "members_present": a.members_present,
                           "others": a.others, "notes": a.notes}, "options": options}

    def _filled(self, loaded) -> None:
        super()._filled(loaded)
        self._branch_context(self.values()["branch"])

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "field-branch" and event.value is not Select.NULL:
            self._branch_context(str(event.value))

    def _branch_context(self, branch: str) -> None:
        """A new branch brings its room and its members in good standing."""
        if not branch or self.record_id is not None:
            return
        if branch in self.room_by_branch:
            self.set_value("room", self.room_by_branch[branch])
        self.set_value("members_expected", self.expected_by_branch.get(branch, 0))

    def save(self, values: dict[str, str]):
        return domain.save_activity(values, activity_id=self.record_id, today=self.app.today)

    def saved_label(self, record) -> str:
        return record.topic
