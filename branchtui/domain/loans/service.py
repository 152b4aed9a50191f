"""A loan's life: application, approval, disbursement, extension, guarantee
payout, recovery, write-off, settlement. A state changes only along an
allowed transition, and each change is an audited event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Mapping

from branchtui.domain import audit
from branchtui.store.db import database
from branchtui.domain.errors import Collector, NotFound, ValidationError
from branchtui.domain.loans.policy import policy_on
from branchtui.domain.loans.history import Entry, Event, Terms, base_schedule, effective, schedule_on
from branchtui.domain.loans.schedule import METHOD_NAMES, METHODS, Installment, add_months
from branchtui.domain.parse import clean_text, fold_width, parse_date, parse_int, parse_money, record_id
from branchtui.i18n import _
from branchtui.store.models import Borrower, Branch, Loan, LoanEvent, LoanPartner, Repayment

APPLIED, APPROVED, ACTIVE, EXTENDED = "申请", "审批", "还款中", "展期"
SETTLED, PAID_OUT, RECOVERING, WRITTEN_OFF, WITHDRAWN = "结清", "代偿", "追偿", "核销", "撤销"
STATES = (APPLIED, APPROVED, ACTIVE, EXTENDED, SETTLED, PAID_OUT, RECOVERING, WRITTEN_OFF, WITHDRAWN)
TRANSITIONS = {
    APPLIED: {APPROVED, WITHDRAWN},
    APPROVED: {ACTIVE, WITHDRAWN},
    ACTIVE: {EXTENDED, SETTLED, PAID_OUT},
    EXTENDED: {SETTLED, PAID_OUT},
    PAID_OUT: {RECOVERING, WRITTEN_OFF, SETTLED},
    RECOVERING: {SETTLED, WRITTEN_OFF},
}
REPAYING = (ACTIVE, EXTENDED)  # the lender is owed money by the borrower
METHOD_BY_NAME = {name: code for code, name in METHOD_NAMES.items()}


def parse_rate(value, field: str = "annual_rate", label: str = "年利率") -> Decimal:
    """5.31 or 5.31% (percent a year), up to four decimals."""
    if isinstance(value, Decimal):
        rate = value
    else:
        text = fold_width(str(value or "")).strip().rstrip("%％").strip()
        if not text:
            raise ValidationError(field, _("{label}不能为空").format(label=_(label)))
        try:
            rate = Decimal(text)
        except ArithmeticError:
            raise ValidationError(field, _("{label}应为数字，如 5.31 或 5.31%").format(label=_(label))) from None
    if not rate.is_finite() or rate < 0 or rate > 36:
        raise ValidationError(field, _("{label}应在 0 到 36% 之间").format(label=_(label)))
    if rate != rate.quantize(Decimal("0.0001")):
        raise ValidationError(field, _("{label}最多四位小数").format(label=_(label)))
    return rate


def parse_method(value, field: str = "method") -> str:
    text = value.strip() if isinstance(value, str) else ""
    code = METHOD_BY_NAME.get(text, text)
    if code not in METHODS:
        raise ValidationError(field, _("还款方式应为：{m}").format(
            m=_("、").join(_(name) for name in METHOD_NAMES.values())))
    return code


def get_loan(loan_id: int) -> Loan:
    loan = Loan.get_or_none(Loan.id == record_id(loan_id))
    if loan is None:
        raise NotFound(_("贷款记录不存在（可能已被他人删除）"))
    return loan


def locked_loan(loan_id: int) -> Loan:
    """The loan as the database holds it now, read inside the caller's
    transaction. SQLite's BEGIN IMMEDIATE already serializes writers; on
    PostgreSQL the row stays locked (FOR UPDATE) until commit, so that two
    clerks writing to one loan take turns and the second sees the first's rows."""
    query = Loan.select().where(Loan.id == record_id(loan_id))
    if getattr(database.obj, "for_update", False):
        query = query.for_update()
    loan = query.first()
    if loan is None:
        raise NotFound(_("贷款记录不存在（可能已被他人删除）"))
    audit.check_role(Loan, loan)  # a role that may not touch this loan learns it before any rule
    return loan


def _money_label(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def validate_loan(data: Mapping[str, Any], *, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    c = Collector()
    v = {
        "amount": c.take("amount", parse_money, data.get("amount"), "amount", "贷款金额",
                         required=True, allow_zero=False),
        "annual_rate": c.take("annual_rate", parse_rate, data.get("annual_rate")),
        "months": c.take("months", parse_int, data.get("months"), "months", "期限（月）", 1, 360,
                         required=True),
        "method": c.take("method", parse_method, data.get("method")),
        "applied": c.take("applied", parse_date, data.get("applied"), "applied", "申请日期"),
        "approved": c.take("approved", parse_date, data.get("approved"), "approved", "审批日期",
                           required=False),
        "disbursed": c.take("disbursed", parse_date, data.get("disbursed"), "disbursed", "发放日期",
                            required=False),
    }
    for key, label, size in (("purpose", "用途", 60), ("business", "项目", 60), ("lender", "贷款机构", 40),
                             ("lender_office", "经办网点", 40), ("guarantor", "担保人", 40),
                             ("counter_guarantee", "反担保", 120), ("notes", "备注", 500)):
        v[key] = c.take(key, clean_text, data.get(key), key, label, size)
    v["lender"] = v["lender"] or "信用社"
    v["guarantor"] = v["guarantor"] or "镇党委"
    v["sample"] = bool(data.get("sample", False))
    dates = [("applied", "申请日期"), ("approved", "审批日期"), ("disbursed", "发放日期")]
    for key, label in dates:
        if v[key] and v[key] > today:
            c.add(key, _("{label}不能晚于今天").format(label=_(label)))
    if v["approved"] and v["applied"] and v["approved"] < v["applied"]:
        c.add("approved", _("审批日期不能早于申请日期"))
    if v["disbursed"]:
        if not v["approved"]:
            c.add("approved", _("已发放的贷款须填写审批日期"))
        elif v["disbursed"] < v["approved"]:
            c.add("disbursed", _("发放日期不能早于审批日期"))

    borrower = c.ref("borrower", Borrower, data.get("borrower"), _("请选择借款人"))
    v["borrower"] = borrower.id if borrower else None
    branch = c.ref("branch", Branch, data.get("branch"), _("所选支部不存在"), required=False)
    v["branch"] = branch.id if branch else (borrower.branch_id if borrower else None)

    partners = list(data.get("partners") or [])
    if v["applied"] and v["amount"] and v["months"]:
        _check_policy(v, partners, c)
    c.raise_if_any()
    v["partners"] = partners
    return v


def _check_policy(v: dict, partners: list, c: Collector) -> None:
    try:
        policy = policy_on(v["applied"])
    except NotFound as exc:
        c.add("applied", str(exc))
        return
    rule = _("（{name}，自 {d} 起）").format(name=policy.name or _("贷款政策"),
                                           d=policy.effective_from.isoformat())
    if partners:
        if v["amount"] > policy.ceiling_partnership:
            c.add("amount", _("超过合伙贷款上限 {c} 元").format(c=_money_label(policy.ceiling_partnership)) + rule)
        for _borrower, share in partners:
            if share > policy.ceiling_person:
                c.add("amount", _("合伙人份额超过个人上限 {c} 元").format(c=_money_label(policy.ceiling_person)) + rule)
    elif v["amount"] > policy.ceiling_person:
        c.add("amount", _("超过个人贷款上限 {c} 元").format(c=_money_label(policy.ceiling_person)) + rule)
    if v["months"] > policy.max_term_months:
        c.add("months", _("超过最长期限 {n} 个月").format(n=policy.max_term_months) + rule)


def create_loan(data: Mapping[str, Any], *, today: dt.date | None = None) -> Loan:
    """Register a loan; the dates given say how far it has come (申请/审批/还款中)."""
    with audit.transaction():
        v = validate_loan(data, today=today)  # the borrower and the dated policy as they stand now
        partners = v.pop("partners")
        loan = Loan(**v)
        loan.state = ACTIVE if v["disbursed"] else (APPROVED if v["approved"] else APPLIED)
        audit.save_audited(loan)
        for borrower_id, share in partners:
            audit.save_audited(LoanPartner(loan=loan, borrower=borrower_id, share=share))
        _event(loan, v["applied"], APPLIED)
        if v["approved"]:
            _event(loan, v["approved"], APPROVED)
        if v["disbursed"]:
            _event(loan, v["disbursed"], "发放", amount=v["amount"])
    return loan


def _event(loan: Loan, day: dt.date, kind: str, amount: Decimal | int = 0, months: int = 0,
           note: str = "") -> LoanEvent:
    event = LoanEvent(loan=loan, date=day, kind=kind, amount=amount, months=months, note=note)
    audit.save_audited(event)
    return event


def _check_transition(loan: Loan, new_state: str, c: Collector) -> None:
    if new_state not in TRANSITIONS.get(loan.state, set()):
        c.add("state", _("贷款状态不能从“{a}”变为“{b}”").format(a=_(loan.state), b=_(new_state)))


def change_state(loan: Loan, new_state: str, day: dt.date, *, kind: str | None = None,
                 amount: Decimal | int = 0, months: int = 0, note: str = "") -> Loan:
    """Move along an allowed transition, with its event; inside the caller's transaction."""
    if new_state not in TRANSITIONS.get(loan.state, set()):
        raise ValidationError("state", _("贷款状态不能从“{a}”变为“{b}”").format(a=_(loan.state), b=_(new_state)))
    before = audit.snapshot(loan)
    loan.state = new_state
    audit.save_audited(loan, before)
    _event(loan, day, kind or new_state, amount=amount, months=months, note=note)
    return loan


def _action_date(data: Mapping[str, Any], loan: Loan, today: dt.date, c: Collector,
                 label: str = "日期") -> dt.date | None:
    day = c.take("date", parse_date, data.get("date"), "date", label)
    if day and day > today:
        c.add("date", _("{label}不能晚于今天").format(label=_(label)))
    if day and loan.disbursed and day < loan.disbursed:
        c.add("date", _("{label}不能早于发放日期 {d}").format(label=_(label), d=loan.disbursed.isoformat()))
    return day


def approve(loan_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> Loan:
    today = today or dt.date.today()
    with audit.transaction():
        loan = locked_loan(loan_id)
        c = Collector()
        day = _action_date(data, loan, today, c, "审批日期")
        if day and day < loan.applied:
            c.add("date", _("审批日期不能早于申请日期"))
        _check_transition(loan, APPROVED, c)
        c.raise_if_any()
        loan.approved = day
        return change_state(loan, APPROVED, day)


def disburse(loan_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> Loan:
    today = today or dt.date.today()
    with audit.transaction():
        loan = locked_loan(loan_id)
        c = Collector()
        day = _action_date(data, loan, today, c, "发放日期")
        if day and loan.approved and day < loan.approved:
            c.add("date", _("发放日期不能早于审批日期"))
        _check_transition(loan, ACTIVE, c)
        c.raise_if_any()
        loan.disbursed = day
        return change_state(loan, ACTIVE, day, kind="发放", amount=loan.amount)


def withdraw(loan_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> Loan:
    today = today or dt.date.today()
    with audit.transaction():
        loan = locked_loan(loan_id)
        c = Collector()
        day = _action_date(data, loan, today, c)
        note = c.take("note", clean_text, data.get("note"), "note", "说明", 200)
        _check_transition(loan, WITHDRAWN, c)
        c.raise_if_any()
        return change_state(loan, WITHDRAWN, day, note=note)


def extend(loan_id: int, data: Mapping[str, Any], *, today: dt.date | None = None) -> Loan:
    """展期: once, by at most the policy's months; the installments not yet paid move out."""
    today = today or dt.date.today()
    with audit.transaction():
        loan = locked_loan(loan_id)
        c = Collector()
        day = _action_date(data, loan, today, c, "展期日期")
        months = c.take("months", parse_int, data.get("months"), "months", "展期月数", 1, 120, required=True)
        note = c.take("note", clean_text, data.get("note"), "note", "说明", 200)
        if loan.extension_months:
            c.add("months", _("该贷款已展期一次：按政策只能展期一次"))
        elif months:
            policy = policy_on(loan.applied)
            if months > policy.max_extension_months:
                c.add("months", extension_rule(policy))
        if loan.state not in REPAYING:
            c.add("months", _("只有还款中的贷款才能展期（现为“{s}”）").format(s=_(loan.state)))
        elif day and loan.disbursed and day > add_months(loan.disbursed, loan.months):
            c.add("date", _("展期须在原到期日 {d} 之前办理").format(
                d=add_months(loan.disbursed, loan.months).isoformat()))
        c.raise_if_any()
        loan.extension_months, loan.extended_on = months, day
        return change_state(loan, EXTENDED, day, months=months, note=note)


def extension_rule(policy) -> str:
    """The limit as the form states it and as the check refuses it: one sentence for both."""
    return _("展期月数应在 1 到 {n} 之间（{name}）").format(n=policy.max_extension_months,
                                                         name=policy.name or _("贷款政策"))


def extension_limit(loan_id: int) -> tuple[int, str]:
    """(the most months the loan's dated policy allows, the sentence stating it)."""
    try:
        policy = policy_on(get_loan(loan_id).applied)
    except NotFound as exc:
        return 0, str(exc)
    return policy.max_extension_months, extension_rule(policy)


def extension_limit_text(loan_id: int) -> str:
    return extension_limit(loan_id)[1]


def terms_of(loan: Loan) -> Terms:
    return Terms(loan.amount, loan.annual_rate, loan.months, loan.method,
                 loan.disbursed or loan.approved or loan.applied)


def schedule_from(principal: Decimal, rate: Decimal, months: int, method: str, start: dt.date) -> list[Installment]:
    """``build_schedule``, with the arithmetic shared by every loan of the same
    plan: a district has ten thousand loans but a few dozen plans."""
    return base_schedule(Terms(principal, rate, months, method, start))


def events_of(loan_id: int) -> list[Event]:
    return [Event(e.date, e.kind, e.months, e.amount, e.id)
            for e in LoanEvent.select().where(LoanEvent.loan == record_id(loan_id)).order_by(LoanEvent.date, LoanEvent.id)]


def entries_of(loan_id: int) -> list[Entry]:
    """Every repayment row of the loan as written, reversals included."""
    return [Entry(r.id, r.date, r.principal, r.interest, r.reverses_id, r.prepay)
            for r in Repayment.select().where(Repayment.loan == record_id(loan_id)).order_by(Repayment.date, Repayment.id)]


def loan_schedule(loan: Loan, as_of: dt.date | None = None, *, events=None, entries=None) -> list[Installment]:
    """The schedule the lender expects as known on ``as_of`` (None: everything
    recorded): extensions and prepayments included, reversed repayments not
    (see ``history.schedule_on``). Callers holding the records pass them in."""
    if events is None:
        events = events_of(loan.id) if loan.extension_months else []
    if entries is None:
        entries = entries_of(loan.id)
    return schedule_on(terms_of(loan), events, effective(entries), as_of)


def maturity(loan: Loan) -> dt.date | None:
    schedule = loan_schedule(loan) if loan.disbursed else []
    return schedule[-1].due if schedule else None
