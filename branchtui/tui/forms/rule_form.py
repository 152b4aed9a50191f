"""制度上墙: a rule or handbook posted in a room."""

from __future__ import annotations

from typing import Any

from branchtui.domain import room_rules as domain
from branchtui.domain.parse import clean_text, parse_date
from branchtui.domain.rooms import room_choices
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


class RuleForm(FormScreen):
    NEW_TITLE = "登记制度"
    EDIT_TITLE = "编辑制度"
    FIELDS = [
        FieldSpec("room", "活动室", "select", keep=True),
        FieldSpec("name", "制度名称", placeholder="管理制度、活动制度、使用制度、岗位职责 …",
                  check=lambda v: clean_text(v, "name", "制度名称", 30, required=True)),
        FieldSpec("adopted", "制定日期", keep=True,
                  check=lambda v: parse_date(v, "adopted", "制定日期", required=False)),
        FieldSpec("posted", "已上墙", "select", keep=True, options=[(_("是"), "是"), (_("否"), "否")]),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def load(self) -> dict[str, Any]:
        options = {"room": room_choices()}
        if self.record_id is None:
            return {"values": {"posted": "是"}, "options": options}
        r = domain.get_rule(self.record_id)
        return {"values": {"room": r.room_id, "name": r.name,
                           "adopted": r.adopted.isoformat() if r.adopted else "",
                           "posted": "是" if r.posted else "否", "notes": r.notes}, "options": options}

    def save(self, values: dict[str, str]):
        return domain.save_rule(values, rule_id=self.record_id, today=self.app.today)
