"""Repayments as the lender records them, and arrears for any as-of date.

A repayment is never edited or deleted: a mistake is reversed by a new
entry with the opposite amounts, pointing at the one it cancels.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Mapping

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound
from branchtui.domain.loans.arrears import Arrears, Payment, arrears
from branchtui.domain.loans.service import ACTIVE, EXTENDED, REPAYING, SETTLED, change_state, get_loan, loan_schedule
from branchtui.domain.parse import clean_text, parse_date, parse_money, record_id
from branchtui.i18n import _
from branchtui.store.models import Loan, Repayment

ZERO = Decimal("0.00")


def payments_of(loan_id: int) -> list[Payment]:
    return [Payment(r.date, r.principal, r.interest)
            for r in Repayment.select().where(Repayment.loan == record_id(loan_id))
            .order_by(Repayment.date, Repayment.id)]


def loan_arrears(loan: Loan, as_of: dt.date, payments: list[Payment] | None = None) -> Arrears:
    payments = payments_of(loan.id) if payments is None else payments
    return arrears(loan_schedule(loan), payments, as_of)


def record_repayment(loan_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> Repayment:
    """One payment (date, principal, interest). More than is due by that date
    is refused unless it is declared a prepayment; never more than is owed."""
    today = today or dt.date.today()
    loan = get_loan(loan_id)
    c = Collector()
    day = c.take("date", parse_date, data.get("date"), "date", "还款日期")
    principal = c.take("principal", parse_money, data.get("principal"), "principal", "本金") or ZERO
    interest = c.take("interest", parse_money, data.get("interest"), "interest", "利息") or ZERO
    note = c.take("note", clean_text, data.get("note"), "note", "说明", 200)
    prepayment = str(data.get("prepayment", "")).strip() in ("是", "1", "True", "true")
    if loan.state not in REPAYING:
        c.add("principal", _("贷款状态为“{s}”，不能登记还款").format(s=_(loan.state)))
    if day:
        if day > today:
            c.add("date", _("还款日期不能晚于今天"))
        if loan.disbursed and day < loan.disbursed:
            c.add("date", _("还款日期不能早于发放日期 {d}").format(d=loan.disbursed.isoformat()))
    if "principal" not in c.errors and "interest" not in c.errors and principal == 0 and interest == 0:
        c.add("principal", _("本金和利息不能都为零"))
    if day and not c.errors:
        schedule = loan_schedule(loan)
        state = arrears(schedule, payments_of(loan.id), day)
        if principal > state.outstanding_principal:
            c.add("principal", _("本金超过尚欠本金 {o} 元").format(o=f"{state.outstanding_principal:,.2f}"))
        due_principal = sum((i.principal for i in schedule if i.due <= day), ZERO) - state.paid_principal
        due_interest = sum((i.interest for i in schedule if i.due <= day), ZERO) - state.paid_interest
        total_interest = sum((i.interest for i in schedule), ZERO) - state.paid_interest
        if interest > total_interest:
            c.add("interest", _("利息超过全部应付利息 {o} 元").format(o=f"{total_interest:,.2f}"))
        if not prepayment and "principal" not in c.errors and (
                principal > max(due_principal, ZERO) or interest > max(due_interest, ZERO)):
            c.add("principal", _("超过截至 {d} 应还的本金 {p} 元、利息 {i} 元；提前还款请注明“提前还款”").format(
                d=day.isoformat(), p=f"{max(due_principal, ZERO):,.2f}", i=f"{max(due_interest, ZERO):,.2f}"))
    c.raise_if_any()
    with audit.transaction():
        repayment = Repayment(loan=loan, date=day, principal=principal, interest=interest,
                              note=note or (_("提前还款") if prepayment else ""))
        audit.save_audited(repayment)
        _settle_if_paid(loan, day)
    return repayment


def _settle_if_paid(loan: Loan, day: dt.date) -> None:
    schedule = loan_schedule(loan)
    state = arrears(schedule, payments_of(loan.id), day)
    owed_interest = sum((i.interest for i in schedule), ZERO) - state.paid_interest
    if state.outstanding_principal == 0 and owed_interest <= 0 and loan.state in (ACTIVE, EXTENDED):
        change_state(loan, SETTLED, day, note=_("本息还清"))


def reverse_repayment(repayment_id: int, data: Mapping[str, Any], *,
                      today: dt.date | None = None) -> Repayment:
    """Cancel a mistaken entry with its opposite, dated when the mistake was found."""
    today = today or dt.date.today()
    original = Repayment.get_or_none(Repayment.id == record_id(repayment_id))
    if original is None:
        raise NotFound(_("还款记录不存在"))
    c = Collector()
    day = c.take("date", parse_date, data.get("date") or today, "date", "冲正日期")
    note = c.take("note", clean_text, data.get("note"), "note", "冲正原因", 200, required=True)
    if original.reverses_id is not None:
        c.add("note", _("这是一笔冲正记录，不能再冲正"))
    elif Repayment.select().where(Repayment.reverses == original.id).exists():
        c.add("note", _("这笔还款已经冲正过"))
    if day and day < original.date:
        c.add("date", _("冲正日期不能早于原还款日期"))
    elif day and day > today:
        c.add("date", _("冲正日期不能晚于今天"))
    loan = get_loan(original.loan_id)
    if loan.state == SETTLED:
        c.add("note", _("贷款已结清：请先与信用社核对后再冲正"))
    c.raise_if_any()
    with audit.transaction():
        reversal = Repayment(loan=loan, date=day, principal=-original.principal, interest=-original.interest,
                             reverses=original.id, note=note)
        audit.save_audited(reversal)
    return reversal


def repayments(loan_id: int) -> list[Repayment]:
    return list(Repayment.select().where(Repayment.loan == loan_id).order_by(Repayment.date, Repayment.id))


def installment_status(schedule, payments: list[Payment], as_of: dt.date) -> list[str]:
    """Per installment: 已还 (paid), 部分 (part paid), 逾期 (overdue) or "" (not yet due)."""
    paid_p = sum((p.principal for p in payments if p.date <= as_of), ZERO)
    paid_i = sum((p.interest for p in payments if p.date <= as_of), ZERO)
    out, cum_p, cum_i = [], ZERO, ZERO
    for row in schedule:
        before_p, before_i = cum_p, cum_i
        cum_p += row.principal
        cum_i += row.interest
        if paid_p >= cum_p and paid_i >= cum_i:
            out.append("已还")
        elif row.due < as_of:
            out.append("逾期")
        elif paid_p > before_p or paid_i > before_i:
            out.append("部分")
        else:
            out.append("")
    return out
