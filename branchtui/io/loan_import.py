"""Loans come in as opening balances: the borrower (found by ID number or
registered), the loan with its schedule from the disbursement date, and one
期初已还 repayment for what was repaid before the import, dated the last
due date it reaches, so that arrears and the subsidy go on from there.

A loan already in the book (same borrower, disbursement date and amount) is
unchanged; money records are never edited by an import.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from branchtui.domain.errors import ValidationError
from branchtui.i18n import _
from branchtui.io import cells
from branchtui.io.imports import ERROR, NEW, SAME, Plan, _Branches, _date_cell, _take, read_plan_rows

OPENING = "期初已还"
ZERO = Decimal("0.00")
LABELS = {"amount": "贷款金额（元）", "annual_rate": "年利率（%）", "months": "期限（月）", "method": "还款方式",
          "disbursed": "发放日期", "applied": "发放日期", "approved": "发放日期", "borrower": "借款人",
          "business": "经营项目", "purpose": "贷款用途", "lender_office": "放款网点", "notes": "备注",
          "name": "借款人", "id_number": "身份证号码", "phone": "联系电话", "branch": "所在支部"}


def _money(value, label):
    from branchtui.domain.parse import parse_money

    if isinstance(value, float):
        value = f"{value:.2f}"
    return parse_money(cells.text(value), label, label) or ZERO


def plan_loans(path, *, branch=None, today=None, progress=None) -> Plan:
    from branchtui.domain.loans.borrowers import validate_borrower
    from branchtui.domain.loans.service import loan_schedule, validate_loan
    from branchtui.store.models import Borrower, Loan

    today = today or dt.date.today()
    sheet, header_line, headers, columns, unknown, rows = read_plan_rows("loans", path)
    branches = _Branches(branch)
    any_borrower = Borrower.select(Borrower.id).scalar()
    for done, row in enumerate(rows, start=1):
        v = {column.key: (row.cells[i] if i < len(row.cells) else None) for i, column in columns.items()}
        errors = row.errors
        number = _take(v, errors, "id_number", "身份证号码", cells.id_number)
        branch_id = _take(v, errors, "branch", "所在支部", branches.resolve, required=False)
        person = {"name": cells.name(v.get("name")), "id_number": number or "", "phone": cells.text(v.get("phone")),
                  "branch": str(branch_id or "")}
        borrower = Borrower.get_or_none(Borrower.id_number == number) if number else None
        if borrower is None and number:
            try:
                validate_borrower(person, today=today)
            except ValidationError as exc:
                for key, message in exc.errors.items():
                    errors.setdefault(LABELS.get(key, key), message)
        disbursed = (_take(v, errors, "disbursed", "发放日期", _date_cell, "发放日期") or (None, False))[0]
        if disbursed is None and "发放日期" not in errors:
            errors["发放日期"] = _("发放日期不能为空：期初贷款须已发放")
        loan = {"borrower": str(borrower.id if borrower else any_borrower or ""), "branch": str(branch_id or ""),
                "amount": cells.text(v.get("amount")) if not isinstance(v.get("amount"), float)
                else f"{v['amount']:.2f}",
                "annual_rate": cells.text(v.get("annual_rate")), "months": cells.text(v.get("months")),
                "method": cells.text(v.get("method")) or "equal-installment",
                "applied": disbursed, "approved": disbursed, "disbursed": disbursed,
                "business": cells.text(v.get("business")), "purpose": cells.text(v.get("purpose")),
                "lender_office": cells.text(v.get("lender_office")), "notes": cells.text(v.get("notes"))}
        repaid_p = _take(v, errors, "repaid_principal", "已还本金（元）", _money, "已还本金")
        repaid_i = _take(v, errors, "repaid_interest", "已还利息（元）", _money, "已还利息")
        row.data = {"person": person, "loan": loan, "repaid_principal": repaid_p or ZERO,
                    "repaid_interest": repaid_i or ZERO}
        if not errors:
            try:
                values = validate_loan(loan, today=today)
            except ValidationError as exc:
                for key, message in exc.errors.items():
                    if key != "borrower":  # a new borrower is registered with the loan
                        errors.setdefault(LABELS.get(key, key), message)
            else:
                probe = Loan(**{k: values[k] for k in ("amount", "annual_rate", "months", "method", "disbursed")})
                probe.extension_months = 0
                schedule = loan_schedule(probe)
                if row.data["repaid_principal"] > values["amount"]:
                    errors["已还本金（元）"] = _("已还本金超过贷款金额")
                elif row.data["repaid_interest"] > sum((i.interest for i in schedule), ZERO):
                    errors["已还利息（元）"] = _("已还利息超过全部应付利息")
                reached = [i.due for i in schedule if i.due <= today]
                row.data["opening_date"] = reached[-1] if reached else disbursed
                if borrower is not None and Loan.select().where(
                        (Loan.borrower == borrower.id) & (Loan.disbursed == disbursed)
                        & (Loan.amount == values["amount"])).exists():
                    row.status = SAME
        if not row.status:
            row.status = ERROR if errors else NEW
        row.data["name"] = person["name"]
        if progress:
            progress(done, len(rows))
    return Plan("loans", Path(path), sheet, header_line, headers, columns, unknown, rows)


def write_loans(rows, tick, *, today: dt.date | None = None) -> None:
    """Inside the import's transaction: borrower, loan, opening repayment."""
    from branchtui.domain.loans.borrowers import save_borrower
    from branchtui.domain.loans.repayments import record_repayment
    from branchtui.domain.loans.service import create_loan
    from branchtui.store.models import Borrower

    for row in rows:
        person, loan = row.data["person"], dict(row.data["loan"])
        borrower = Borrower.get_or_none(Borrower.id_number == person["id_number"])
        if borrower is None:
            borrower = save_borrower(person, today=today)
        loan["borrower"] = str(borrower.id)
        created = create_loan(loan, today=today)
        if row.data["repaid_principal"] or row.data["repaid_interest"]:
            record_repayment(created.id, {"date": row.data["opening_date"],
                                          "principal": row.data["repaid_principal"],
                                          "interest": row.data["repaid_interest"],
                                          "note": _(OPENING), "prepayment": "是"}, today=today)
        row.record_id = created.id
        tick()
