"""党员登记表: add or edit a party member."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Select

from branchtui.domain import members as domain
from branchtui.domain.access import mask_id_for
from branchtui.domain.branches import branch_choices
from branchtui.domain.errors import ValidationError
from branchtui.domain.idcard import parse_id_number
from branchtui.domain.parse import clean_name, clean_text, parse_date, parse_mobile
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


def _choices(values) -> list[tuple[str, str]]:
    return [(_(v), v) for v in values]


class MemberForm(FormScreen):
    NEW_TITLE = "新增党员"
    EDIT_TITLE = "编辑党员"
    FIELDS = [
        FieldSpec("branch", "所在支部", "select", keep=True),
        FieldSpec("name", "姓名", check=clean_name, max_length=30),
        FieldSpec("id_number", "身份证号码", placeholder="18 位，填后自动带出生日期和性别",
                  check=parse_id_number, max_length=22),
        FieldSpec("gender", "性别", "select", options=_choices(domain.GENDERS)),
        FieldSpec("birth_date", "出生日期", placeholder="如 1962-03-04 或 19620304",
                  check=lambda v: parse_date(v, "birth_date", "出生日期")),
        FieldSpec("ethnicity", "民族", keep=True, check=lambda v: clean_text(v, "ethnicity", "民族", 20)),
        FieldSpec("education", "学历", "select", options=_choices(domain.EDUCATIONS)),
        FieldSpec("join_date", "入党日期", placeholder="如 2002年7月1日",
                  check=lambda v: parse_date(v, "join_date", "入党日期")),
        FieldSpec("full_date", "转正日期", placeholder="尚未转正（预备党员）请留空",
                  check=lambda v: parse_date(v, "full_date", "转正日期", required=False)),
        FieldSpec("phone", "手机号码", check=parse_mobile, max_length=20),
        FieldSpec("status", "状态", "select", keep=True, options=_choices(domain.STATUSES)),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def load(self) -> dict[str, Any]:
        options = {"branch": [(name, str(bid)) for name, bid in branch_choices()]}
        if self.record_id is None:
            return {"values": {"status": "正常", "ethnicity": "汉族"}, "options": options}
        m = domain.get_member(self.record_id)
        shown_id = mask_id_for(m.id_number, m.branch_id)
        values = {
            "branch": m.branch_id, "name": m.name, "id_number": shown_id, "gender": m.gender,
            "birth_date": m.birth_date.isoformat(), "ethnicity": m.ethnicity, "education": m.education,
            "join_date": m.join_date.isoformat(),
            "full_date": m.full_date.isoformat() if m.full_date else "", "phone": m.phone,
            "status": m.status, "notes": m.notes,
        }
        # Masked for viewers and other branches' secretaries: shown, not editable.
        disabled = ["id_number"] if shown_id != m.id_number else []
        return {"values": values, "options": options, "disabled": disabled}

    def save(self, values: dict[str, str]):
        today = self.app.today
        if self.record_id is None:
            return domain.create_member(values, today=today)
        return domain.update_member(self.record_id, values, today=today)

    def on_input_changed(self, event: Input.Changed) -> None:
        """A valid ID number fills in the birth date and gender it carries."""
        if event.input.id != "field-id_number":
            return
        try:
            info = parse_id_number(event.value)
        except ValidationError:
            return
        self.set_value("birth_date", info.birth_date.isoformat())
        self.set_value("gender", info.gender)
        self.show_error("id_number", "")
        self.show_error("birth_date", "")
        self.show_error("gender", "")

    def on_select_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("field-")
        if name and event.value is not Select.NULL:
            self.show_error(name, "")
