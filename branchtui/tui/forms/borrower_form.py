"""借款人: a borrower, usually a laid-off worker recommended by a branch."""

from __future__ import annotations

from typing import Any

from branchtui.domain.branches import branch_choices
from branchtui.domain.idcard import parse_id_number
from branchtui.domain.loans import borrowers as domain
from branchtui.domain.parse import clean_name, clean_text, parse_mobile
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


class BorrowerForm(FormScreen):
    NEW_TITLE = "登记借款人"
    EDIT_TITLE = "编辑借款人"
    FIELDS = [
        FieldSpec("name", "姓名", check=clean_name, max_length=30),
        FieldSpec("id_number", "身份证号码", check=parse_id_number, max_length=22),
        FieldSpec("status", "就业状况", "select", keep=True, options=[(_(s), s) for s in domain.STATUSES]),
        FieldSpec("certificate_no", "再就业优惠证号",
                  check=lambda v: clean_text(v, "certificate_no", "再就业优惠证号", 30)),
        FieldSpec("phone", "手机号码", check=parse_mobile, max_length=20),
        FieldSpec("address", "住址", check=lambda v: clean_text(v, "address", "住址", 120)),
        FieldSpec("branch", "推荐支部", "select", keep=True),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def load(self) -> dict[str, Any]:
        options = {"branch": [(name, str(bid)) for name, bid in branch_choices()]}
        if self.record_id is None:
            return {"values": {"status": "下岗"}, "options": options}
        b = domain.get_borrower(self.record_id)
        return {"values": {"name": b.name, "id_number": b.id_number, "status": b.status,
                           "certificate_no": b.certificate_no, "phone": b.phone, "address": b.address,
                           "branch": b.branch_id or "", "notes": b.notes}, "options": options}

    def save(self, values: dict[str, str]):
        return domain.save_borrower(values, borrower_id=self.record_id, today=self.app.today)
