"""The small forms of a loan's life: repayment, reversal, extension, payout,
recovery, approval, disbursement and write-off. Each is a date, an amount
or two and a note, handed to its domain function."""

from __future__ import annotations

from typing import Any, Callable

from branchtui.domain.loans import guarantee, repayments, service
from branchtui.domain.errors import ValidationError
from branchtui.domain.parse import clean_text, parse_date, parse_int, parse_money
from branchtui.i18n import _
from branchtui.tui.background import run_db
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


def offer(loan_id: int, day) -> dict:
    """What a payment on ``day`` should be: exactly what is due by then; when
    nothing is, the next installment paid early, as a prepayment with the
    interest accrued on it since the last due date."""
    from branchtui.domain.loans.history import AMORTIZING, SHORTEN, REDUCE, accrued_interest
    from branchtui.domain.loans.repayments import due_on
    from branchtui.domain.loans.service import REPAYING, get_loan

    loan = get_loan(loan_id)
    if not loan.disbursed or loan.state not in REPAYING or day < loan.disbursed:
        return {"principal": "", "interest": "", "prepayment": "否"}
    due = due_on(loan, day)
    if due.principal or due.interest or not due.balance:
        return {"principal": str(due.principal), "interest": str(due.interest), "prepayment": "否"}
    early = min(due.next_principal, due.balance) or due.balance
    return {"principal": str(early), "interest": str(accrued_interest(early, loan.annual_rate, due.since, day)),
            "prepayment": SHORTEN if loan.method in AMORTIZING else REDUCE}


class RepaymentForm(ActionForm):
    """Offers what is due on the date typed; changing the date offers anew
    (unless the clerk has already changed the amounts offered)."""

    def __init__(self, loan_id: int) -> None:
        self.loan_id = loan_id
        self._offered: dict[str, str] = {}
        super().__init__("登记还款", [
            _date("还款日期"), _amount("principal", "本金"), _amount("interest", "利息"),
            FieldSpec("prepayment", "提前还款", "select", options=[
                (_("否"), "否"), (_("是：缩短期限（月供不变）"), "缩短期限"), (_("是：减少月供（期限不变）"), "减少月供")]),
            _note(),
        ], lambda values, today: repayments.record_repayment(loan_id, values, today=today),
            defaults=self._first_offer, label="还款")

    def _first_offer(self, today) -> dict:
        self._offered = offer(self.loan_id, today)
        return dict(self._offered)

    def on_input_blurred(self, event) -> None:
        super().on_input_blurred(event)
        if event.input.id != "field-date" or not event.validation_result or not event.validation_result.is_valid:
            return
        current = self.values()
        if any(current.get(k, "") != v for k, v in self._offered.items()):
            return  # the clerk's own amounts stay
        day = parse_date(event.value, "date", "还款日期")
        loan_id = self.loan_id

        def shown(values: dict) -> None:
            self._offered = values
            self.set_values(values)

        run_db(self, lambda: offer(loan_id, day), shown, group="repayment-offer")


def repayment_form(loan_id: int) -> ActionForm:
    return RepaymentForm(loan_id)


def reversal_form(repayment_id: int) -> ActionForm:
    return ActionForm("冲正还款记录", [_date("冲正日期"), _note("冲正原因", required=True)],
                      lambda values, today: repayments.reverse_repayment(repayment_id, values, today=today),
                      label="冲正记录")


def extension_form(loan_id: int) -> ActionForm:
    # The limit as the dated policy states it: the same sentence the check refuses with.
    limit, rule = service.extension_limit(loan_id)

    def check(value):
        months = parse_int(value, "months", "展期月数", 1, 120)
        if months and months > limit:
            raise ValidationError("months", rule)
        return months

    return ActionForm("展期", [
        _date("展期日期"),
        FieldSpec("months", "展期月数", placeholder=rule + _("，只能一次"), check=check),
        _note(),
    ], lambda values, today: service.extend(loan_id, values, today=today), label="展期")


def payout_form(loan_id: int) -> ActionForm:
    def owed(today) -> dict:
        from branchtui.domain.loans.repayments import loan_arrears
        from branchtui.domain.loans.service import get_loan

        loan = get_loan(loan_id)
        if loan.state not in service.REPAYING:
            return {}  # settled, paid out…: nothing to offer
        state = loan_arrears(loan, today)
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
