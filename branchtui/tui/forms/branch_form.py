"""支部: add or edit a branch."""

from __future__ import annotations

from typing import Any

from branchtui.domain import branches as domain
from branchtui.domain.members import search_members
from branchtui.domain.parse import clean_text, parse_date, parse_phone
from branchtui.tui.forms.base import FieldSpec, FormScreen


class BranchForm(FormScreen):
    NEW_TITLE = "新增支部"
    EDIT_TITLE = "编辑支部"
    FIELDS = [
        FieldSpec("name", "支部名称", placeholder="如 居民九支部",
                  check=lambda v: clean_text(v, "name", "支部名称", 40, required=True)),
        FieldSpec("community", "所在社区", placeholder="如 九区居委会",
                  check=lambda v: clean_text(v, "community", "所在社区", 60)),
        FieldSpec("secretary", "支部书记", "select"),
        FieldSpec("founded", "成立日期", check=lambda v: parse_date(v, "founded", "成立日期", required=False)),
        FieldSpec("phone", "联系电话", placeholder="如 0375-4920111",
                  check=lambda v: parse_phone(v, "phone", "联系电话")),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def load(self) -> dict[str, Any]:
        if self.record_id is None:
            return {"values": {}, "options": {"secretary": []}}
        b = domain.get_branch(self.record_id)
        # The secretary is chosen among the branch's members in good standing.
        members = [(m.name, str(m.id)) for m in search_members(branch_id=b.id, limit=1000)
                   if m.status == "正常"]
        return {
            "values": {"name": b.name, "community": b.community, "secretary": b.secretary_id or "",
                       "founded": b.founded.isoformat() if b.founded else "", "phone": b.phone,
                       "notes": b.notes},
            "options": {"secretary": members},
        }

    def save(self, values: dict[str, str]):
        today = self.app.today
        if self.record_id is None:
            return domain.create_branch(values, today=today)
        return domain.update_branch(self.record_id, values, today=today)
