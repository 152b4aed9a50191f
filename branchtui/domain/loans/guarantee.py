"""The committee as guarantor: payouts to the lender (代偿), recovery from the
borrower (追偿) and write-off (核销)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Mapping

from branchtui.domain import audit
from branchtui.domain.errors import Collector
from branchtui.domain.loans.policy import policy_on
from branchtui.domain.loans.repayments import loan_arrears
from branchtui.domain.loans.service import (PAID_OUT, RECOVERING, REPAYING, SETTLED, WRITTEN_OFF,
                                            change_state, locked_loan)
from branchtui.domain.parse import clean_text, parse_date, parse_money, record_id
from branchtui.i18n import _
from branchtui.store.models import LoanEvent

ZERO = Decimal("0.00")


def payout_date(loan_id: int):
    event = (LoanEvent.select().where((LoanEvent.loan == record_id(loan_id)) & (LoanEvent.kind == PAID_OUT))
             .order_by(LoanEvent.date.desc()).first())
    return event.date if event else None


def _not_before_payout(loan_id: int, day, c: Collector) -> None:
    paid_on = payout_date(loan_id)
    if day and paid_on and day < paid_on:
        c.add("date", _("日期不能早于代偿日期 {d}").format(d=paid_on.isoformat()))


def paid_out(loan_id: int) -> Decimal:
    return sum((e.amount for e in LoanEvent.select().where(
        (LoanEvent.loan == record_id(loan_id)) & (LoanEvent.kind == PAID_OUT))), ZERO)


def recovered(loan_id: int) -> Decimal:
    return sum((e.amount for e in LoanEvent.select().where(
        (LoanEvent.loan == record_id(loan_id)) & (LoanEvent.kind == RECOVERING))), ZERO)


def _header(data: Mapping[str, Any], today: dt.date, c: Collector, label: str):
    day = c.take("date", parse_date, data.get("date"), "date", "日期")
    if day and day > today:
        c.add("date", _("日期不能晚于今天"))
    amount = c.take("amount", parse_money, data.get("amount"), "amount", label, required=True,
                    allow_zero=False)
    note = c.take("note", clean_text, data.get("note"), "note", "说明", 200)
    return day, amount, note


def payout(loan_id: int, data: Mapping[str, Any], *, today: dt.date | None = None):
    """代偿: the guarantee fund pays the lender, once the waiting period has passed."""
    today = today or dt.date.today()
    c = Collector()
    day, amount, note = _header(data, today, c, "代偿金额")
    with audit.transaction():
        loan = locked_loan(loan_id)
        _check_payout(loan, day, amount, c)
        c.raise_if_any()
        return change_state(loan, PAID_OUT, day, amount=amount, note=note)


def _check_payout(loan, day, amount, c: Collector) -> None:
    if loan.state not in REPAYING:
        c.add("amount", _("贷款状态为“{s}”，不能代偿").format(s=_(loan.state)))
    elif day:
        state = loan_arrears(loan, day)
        wait = policy_on(loan.applied).payout_wait_days
        if state.days_past_due <= wait:
            c.add("date", _("逾期 {n} 天，未满政策规定的代偿等待期 {w} 天").format(n=state.days_past_due, w=wait))
        owed = state.outstanding_principal + state.overdue_interest
        if amount and amount > owed:
            c.add("amount", _("代偿金额超过尚欠本息 {o} 元").format(o=f"{owed:,.2f}"))


def recover(loan_id: int, data: Mapping[str, Any], *, today: dt.date | None = None):
    """追偿: money recovered from the borrower after a payout; settled when all is back."""
    today = today or dt.date.today()
    c = Collector()
    day, amount, note = _header(data, today, c, "追回金额")
    with audit.transaction():
        loan = locked_loan(loan_id)
        if loan.state not in (PAID_OUT, RECOVERING):
            c.add("amount", _("只有已代偿的贷款才能追偿"))
        else:
            _not_before_payout(loan.id, day, c)
            left = paid_out(loan.id) - recovered(loan.id)
            if amount and amount > left:
                c.add("amount", _("追回金额超过尚未追回的代偿款 {o} 元").format(o=f"{left:,.2f}"))
        c.raise_if_any()
        if loan.state == PAID_OUT:
            change_state(loan, RECOVERING, day, amount=amount, note=note)
        else:
            event = LoanEvent(loan=loan, date=day, kind=RECOVERING, amount=amount, note=note)
            audit.save_audited(event)
        if recovered(loan.id) >= paid_out(loan.id):
            change_state(loan, SETTLED, day, note=_("代偿款已全部追回"))
    return loan


def write_off(loan_id: int, data: Mapping[str, Any], *, today: dt.date | None = None):
    today = today or dt.date.today()
    c = Collector()
    day = c.take("date", parse_date, data.get("date"), "date", "核销日期")
    note = c.take("note", clean_text, data.get("note"), "note", "核销依据", 200, required=True)
    if day and day > today:
        c.add("date", _("日期不能晚于今天"))
    with audit.transaction():
        loan = locked_loan(loan_id)
        _not_before_payout(loan.id, day, c)
        c.raise_if_any()
        return change_state(loan, WRITTEN_OFF, day, amount=paid_out(loan.id) - recovered(loan.id), note=note)
