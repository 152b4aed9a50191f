"""Repayments as the lender records them, and arrears for any as-of date.

A repayment is never edited or deleted: a mistake is reversed by a new
entry with the opposite amounts, pointing at the one it cancels.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass
from typing import Any, Mapping

from branchtui.domain import audit
from branchtui.domain.errors import Collector, NotFound
from branchtui.domain.loans.arrears import Arrears, arrears
from branchtui.domain.loans.history import (AMORTIZING, PREPAY_CHOICES, REDUCE, SHORTEN, Entry, accrued_interest,
                                            effective, prepayment_split)
from branchtui.domain.loans.service import (ACTIVE, EXTENDED, REPAYING, SETTLED, change_state, entries_of,
                                            loan_schedule, locked_loan, terms_of)
from branchtui.domain.parse import clean_text, parse_date, parse_money, record_id
from branchtui.i18n import _
from branchtui.store.models import Loan, Repayment

ZERO = Decimal("0.00")


def payments_of(loan_id: int) -> list[Entry]:
    """The repayments that count: a reversed entry and its reversal are left out (never made)."""
    return effective(entries_of(loan_id))


def loan_arrears(loan: Loan, as_of: dt.date, payments=None) -> Arrears:
    entries = entries_of(loan.id) if payments is None else payments
    paid = effective(entries)
    return arrears(loan_schedule(loan, as_of, entries=entries), [p for p in paid if p.date <= as_of], as_of)


@dataclass(frozen=True)
class Due:
    """What a payment on ``date`` should be."""

    date: dt.date
    principal: Decimal  # due by that date and not paid
    interest: Decimal
    balance: Decimal  # principal left after what is due
    accrued: Decimal  # interest on the whole balance from the last due date (for settlement)
    since: dt.date  # the last due date (or the disbursement)
    next_due: dt.date | None
    next_principal: Decimal  # the next installment, offered as an early payment
    next_interest: Decimal


def due_on(loan: Loan, day: dt.date, entries=None) -> Due:
    entries = entries_of(loan.id) if entries is None else entries
    schedule = loan_schedule(loan, day, entries=entries)
    paid = [p for p in effective(entries) if p.date <= day]
    state = arrears(schedule, paid, day)
    overdue, balance, since = prepayment_split(terms_of(loan), schedule, day, state.paid_principal)
    due_interest = sum((r.interest for r in schedule if r.due <= day), ZERO) - state.paid_interest
    upcoming = next((r for r in schedule if r.due > day), None)
    return Due(day, overdue, max(due_interest, ZERO), balance, accrued_interest(balance, loan.annual_rate, since, day),
               since, upcoming.due if upcoming else None, upcoming.principal if upcoming else ZERO,
               upcoming.interest if upcoming else ZERO)


def _prepay_choice(data: Mapping[str, Any], c: Collector) -> str:
    """"" for an ordinary repayment, else how the remaining schedule changes."""
    value = str(data.get("prepayment", "") or "").strip()
    if value in ("", "否", "0", "False", "false"):
        return ""
    if value in ("是", "1", "True", "true"):
        return REDUCE
    if value not in PREPAY_CHOICES:
        c.add("prepayment", _("提前还款方式应为：{m}").format(m=_("、").join(_(x) for x in PREPAY_CHOICES)))
        return ""
    return value


def record_repayment(loan_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> Repayment:
    """One payment (date, principal, interest). More than is due by that date
    is refused unless it is declared a prepayment (缩短期限 or 减少月供), whose
    interest is what accrued on the prepaid principal since the last due date;
    never more than is owed. Validated on what the database holds inside the
    write transaction, so two clerks cannot both pay off one balance."""
    today = today or dt.date.today()
    c = Collector()
    day = c.take("date", parse_date, data.get("date"), "date", "还款日期")
    principal = c.take("principal", parse_money, data.get("principal"), "principal", "本金") or ZERO
    interest = c.take("interest", parse_money, data.get("interest"), "interest", "利息") or ZERO
    note = c.take("note", clean_text, data.get("note"), "note", "说明", 200)
    prepay = _prepay_choice(data, c)
    with audit.transaction():
        loan = locked_loan(loan_id)
        if loan.state not in REPAYING:
            c.add("principal", _("贷款状态为“{s}”，不能登记还款").format(s=_(loan.state)))
        if day:
            if day > today:
                c.add("date", _("还款日期不能晚于今天"))
            if loan.disbursed and day < loan.disbursed:
                c.add("date", _("还款日期不能早于发放日期 {d}").format(d=loan.disbursed.isoformat()))
        if "principal" not in c.errors and "interest" not in c.errors and principal == 0 and interest == 0:
            c.add("principal", _("本金和利息不能都为零"))
        if prepay and loan.method not in AMORTIZING and prepay == SHORTEN:
            c.add("prepayment", _("该还款方式只能选择“减少月供”"))
        if day and not c.errors:
            _check_amounts(loan, day, principal, interest, prepay, c)
        c.raise_if_any()
        is_prepayment = bool(prepay) and principal > due_on(loan, day).principal
        repayment = Repayment(loan=loan, date=day, principal=principal, interest=interest,
                              prepay=prepay if is_prepayment else "",
                              note=note or (_("提前还款（{c}）").format(c=_(prepay)) if is_prepayment else ""))
        audit.save_audited(repayment)
        _settle_if_paid(loan, day)
    return repayment


def _check_amounts(loan: Loan, day: dt.date, principal: Decimal, interest: Decimal, prepay: str,
                   c: Collector) -> None:
    entries = entries_of(loan.id)
    due = due_on(loan, day, entries)
    if principal > due.principal + due.balance:
        c.add("principal", _("本金超过尚欠本金 {o} 元").format(o=f"{due.principal + due.balance:,.2f}"))
        return
    extra = principal - due.principal
    if extra > 0 and not prepay:
        c.add("principal", _("超过截至 {d} 应还的本金 {p} 元、利息 {i} 元；提前还款请注明“提前还款”").format(
            d=day.isoformat(), p=f"{due.principal:,.2f}", i=f"{due.interest:,.2f}"))
        return
    allowed = due.interest + (accrued_interest(extra, loan.annual_rate, due.since, day) if extra > 0 else ZERO)
    if interest > allowed:
        if extra > 0:
            c.add("interest", _("利息超过截至 {d} 应付的利息 {i} 元（含提前还款本金自 {s} 起的利息）").format(
                d=day.isoformat(), i=f"{allowed:,.2f}", s=due.since.isoformat()))
        else:
            schedule = loan_schedule(loan, day, entries=entries)
            paid_i = sum((p.interest for p in effective(entries) if p.date <= day), ZERO)
            total = sum((r.interest for r in schedule), ZERO) - paid_i
            if interest > total:
                c.add("interest", _("利息超过全部应付利息 {o} 元").format(o=f"{total:,.2f}"))
            elif not prepay:
                c.add("principal", _("超过截至 {d} 应还的本金 {p} 元、利息 {i} 元；提前还款请注明“提前还款”").format(
                    d=day.isoformat(), p=f"{due.principal:,.2f}", i=f"{due.interest:,.2f}"))


def _settle_if_paid(loan: Loan, day: dt.date) -> None:
    entries = entries_of(loan.id)
    schedule = loan_schedule(loan, entries=entries)
    paid = effective(entries)
    owed_principal = sum((r.principal for r in schedule), ZERO) - sum((p.principal for p in paid), ZERO)
    owed_interest = sum((r.interest for r in schedule), ZERO) - sum((p.interest for p in paid), ZERO)
    if owed_principal <= 0 and owed_interest <= 0 and loan.state in (ACTIVE, EXTENDED):
        change_state(loan, SETTLED, day, note=_("本息还清"))


def reverse_repayment(repayment_id: int, data: Mapping[str, Any], *,
                      today: dt.date | None = None) -> Repayment:
    """Cancel a mistaken entry with its opposite, dated when the mistake was
    found; from then on the entry counts as never made, on every date."""
    today = today or dt.date.today()
    c = Collector()
    day = c.take("date", parse_date, data.get("date") or today, "date", "冲正日期")
    note = c.take("note", clean_text, data.get("note"), "note", "冲正原因", 200, required=True)
    with audit.transaction():
        original = Repayment.get_or_none(Repayment.id == record_id(repayment_id))
        if original is None:
            raise NotFound(_("还款记录不存在"))
        loan = locked_loan(original.loan_id)  # the lock first, then what the rule depends on
        if original.reverses_id is not None:
            c.add("note", _("这是一笔冲正记录，不能再冲正"))
        elif Repayment.select().where(Repayment.reverses == original.id).exists():
            c.add("note", _("这笔还款已经冲正过"))
        if day and day < original.date:
            c.add("date", _("冲正日期不能早于原还款日期"))
        elif day and day > today:
            c.add("date", _("冲正日期不能晚于今天"))
        if loan.state == SETTLED:
            c.add("note", _("贷款已结清：请先与信用社核对后再冲正"))
        c.raise_if_any()
        reversal = Repayment(loan=loan, date=day, principal=-original.principal, interest=-original.interest,
                             reverses=original.id, note=note)
        audit.save_audited(reversal)
    return reversal


def repayments(loan_id: int) -> list[Repayment]:
    return list(Repayment.select().where(Repayment.loan == record_id(loan_id)).order_by(Repayment.date, Repayment.id))


def installment_status(schedule, payments, as_of: dt.date) -> list[str]:
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
