"""The small forms of a loan's life: repayment, reversal, extension, payout,
recovery, approval, disbursement and write-off. Each is a date, an amount
or two and a note, handed to its domain function."""

from __future__ import annotations

from typing import Any, Callable

from branchtui.domain.loans import guarantee, repayments, service
from branchtui.domain.parse import clean_text, parse_date, parse_int, parse_money
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen


def _date(label: str = "日期") -> FieldSpec:
    return FieldSpec("date", label, check=lambda v: parse_date(v, "date", label))


def _amount(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, label, placeholder=_("如 3000、3,000.00、0.3万"),
                     check=lambda v: parse_money(v, name, label))


def _note(label: str = "说明", required: bool = False) -> FieldSpec:
    return FieldSpec("note", label, check=lambda v: clean_text(v, "note", label, 200, required=required))


class ActionForm(FormScreen):
    SAVE_AND_NEXT = False

    def __init__(self, title: str, fields: list[FieldSpec], action: Callable[..., Any], *,
                 defaults: Callable[[Any], dict] | None = None, label: str = "") -> None:
        self.FIELDS = fields
        self.NEW_TITLE = title
        super().__init__()
        self.action = action
        self.defaults = defaults
        self.label = label or title

    def load(self) -> dict[str, Any]:
        values = {"date": self.app.today.isoformat()}
        if self.defaults is not None:
            values.update(self.defaults(self.app.today))
        return {"values": values, "options": {}}

    def save(self, values: dict[str, str]):
        return self.action(values, today=self.app.today)

    def saved_label(self, record) -> str:
        return _(self.label)


def repayment_form(loan_id: int) -> ActionForm:
    def due_now(today) -> dict:
        """Offer what is due: the overdue amounts, or else the next installment."""
        from branchtui.domain.loans.repayments import loan_arrears
        from branchtui.domain.loans.service import get_loan, loan_schedule

        loan = get_loan(loan_id)
        if not loan.disbursed:
            return {}
        state = loan_arrears(loan, today)
        principal, interest = state.overdue_principal, state.overdue_interest
        if not principal and not interest and state.next_due:
            row = next((r for r in loan_schedule(loan) if r.due == state.next_due), None)
            if row is not None:
                principal, interest = row.principal, row.interest
        return {"principal": str(principal), "interest": str(interest)}

    return ActionForm("登记还款", [
        _date("还款日期"), _amount("principal", "本金"), _amount("interest", "利息"),
        FieldSpec("prepayment", "提前还款", "select", options=[(_("否"), "否"), (_("是"), "是")]),
        _note(),
    ], lambda values, today: repayments.record_repayment(loan_id, values, today=today),
        defaults=lambda today: {"prepayment": "否", **due_now(today)}, label="还款")


def reversal_form(repayment_id: int) -> ActionForm:
    return ActionForm("冲正还款记录", [_date("冲正日期"), _note("冲正原因", required=True)],
                      lambda values, today: repayments.reverse_repayment(repayment_id, values, today=today),
                      label="冲正记录")


def extension_form(loan_id: int) -> ActionForm:
    return ActionForm("展期", [
        _date("展期日期"),
        FieldSpec("months", "展期月数", placeholder=_("最多 12 个月，只能一次"),
                  check=lambda v: parse_int(v, "months", "展期月数", 1, 120)),
        _note(),
    ], lambda values, today: service.extend(loan_id, values, today=today), label="展期")


def payout_form(loan_id: int) -> ActionForm:
    def owed(today) -> dict:
        from branchtui.domain.loans.repayments import loan_arrears
        from branchtui.domain.loans.service import get_loan

        state = loan_arrears(get_loan(loan_id), today)
        return {"amount": str(state.outstanding_principal + state.overdue_interest)}

    return ActionForm("担保代偿", [_date("代偿日期"), _amount("amount", "代偿金额"), _note()],
                      lambda values, today: guarantee.payout(loan_id, values, today=today),
                      defaults=owed, label="代偿")


def recovery_form(loan_id: int) -> ActionForm:
    return ActionForm("追偿", [_date("追回日期"), _amount("amount", "追回金额"), _note()],
                      lambda values, today: guarantee.recover(loan_id, values, today=today), label="追偿")


def advance_form(loan_id: int, state: str) -> ActionForm | None:
    """The next step a loan in ``state`` can take by hand."""
    if state == service.APPLIED:
        return ActionForm("审批", [_date("审批日期")],
                          lambda values, today: service.approve(loan_id, values, today=today), label="审批")
    if state == service.APPROVED:
        return ActionForm("发放", [_date("发放日期")],
                          lambda values, today: service.disburse(loan_id, values, today=today), label="发放")
    if state in (service.PAID_OUT, service.RECOVERING):
        return ActionForm("核销", [_date("核销日期"), _note("核销依据", required=True)],
                          lambda values, today: guarantee.write_off(loan_id, values, today=today), label="核销")
    return None
