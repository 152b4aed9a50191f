"""新增贷款: with a live schedule preview as amount, rate and term are typed."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Select, Static

from branchtui.domain.branches import branch_choices
from branchtui.domain.errors import ValidationError
from branchtui.domain.loans import service as domain
from branchtui.domain.loans.borrowers import borrower_choices, search_borrowers
from branchtui.domain.loans.schedule import METHOD_NAMES, build_schedule, totals
from branchtui.domain.parse import clean_text, parse_date, parse_int, parse_money
from branchtui.i18n import _
from branchtui.tui.forms.base import FieldSpec, FormScreen

PREVIEW_FIELDS = {"amount", "annual_rate", "months", "method", "disbursed", "approved", "applied"}


class LoanForm(FormScreen):
    NEW_TITLE = "新增贷款"
    FIELDS = [
        FieldSpec("borrower", "借款人", "select"),
        FieldSpec("branch", "推荐支部", "select", keep=True),
        FieldSpec("business", "项目", placeholder=_("如 洗车、社区卫生院、养鸡场"),
                  check=lambda v: clean_text(v, "business", "项目", 60)),
        FieldSpec("amount", "贷款金额（元）", placeholder=_("如 3000、3,000.00、0.3万、5万元"),
                  check=lambda v: parse_money(v, "amount", "贷款金额", required=True, allow_zero=False)),
        FieldSpec("annual_rate", "年利率（%）", keep=True, placeholder=_("如 5.31 或 5.31%"),
                  check=domain.parse_rate),
        FieldSpec("months", "期限（月）", keep=True,
                  check=lambda v: parse_int(v, "months", "期限（月）", 1, 360, required=True)),
        FieldSpec("method", "还款方式", "select", keep=True,
                  options=[(_(name), code) for code, name in METHOD_NAMES.items()]),
        FieldSpec("applied", "申请日期", keep=True, check=lambda v: parse_date(v, "applied", "申请日期")),
        FieldSpec("approved", "审批日期", keep=True,
                  check=lambda v: parse_date(v, "approved", "审批日期", required=False)),
        FieldSpec("disbursed", "发放日期", keep=True,
                  check=lambda v: parse_date(v, "disbursed", "发放日期", required=False)),
        FieldSpec("lender_office", "经办网点", keep=True,
                  check=lambda v: clean_text(v, "lender_office", "经办网点", 40)),
        FieldSpec("counter_guarantee", "反担保", check=lambda v: clean_text(v, "counter_guarantee", "反担保", 120)),
        FieldSpec("notes", "备注", check=lambda v: clean_text(v, "notes", "备注", 500)),
    ]

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#dialog").mount(Static("", id="preview"), before="#form-keys")

    def load(self) -> dict[str, Any]:
        branches = branch_choices()
        by_name = {name: str(bid) for name, bid in branches}
        # 推荐支部 follows the borrower chosen: each borrower's own branch.
        self.borrower_branch = {str(b.id): by_name.get(b.branch, "") for b in search_borrowers(limit=2000)}
        return {"values": {"annual_rate": "5.31", "months": "24", "method": "interest-monthly",
                           "applied": self.app.today.isoformat()},
                "options": {"borrower": borrower_choices(),
                            "branch": [(name, str(bid)) for name, bid in branches]}}

    def save(self, values: dict[str, str]):
        return domain.create_loan(values, today=self.app.today)

    def saved_label(self, record) -> str:
        return _("贷款 {amount} 元").format(amount=f"{record.amount:,.2f}")

    # --- the live preview: pure arithmetic, no database ---------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if (event.input.id or "").removeprefix("field-") in PREVIEW_FIELDS:
            self.update_preview()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "field-method":
            self.update_preview()
        elif event.select.id == "field-borrower":
            branch = getattr(self, "borrower_branch", {}).get(str(event.value))
            if branch:
                self.set_value("branch", branch)

    def _preview_start(self, values: dict[str, str]):
        """The first of 发放、审批、申请 日期 that reads as a date: one mistyped date
        (shown under its field) does not blank the whole schedule."""
        for name in ("disbursed", "approved", "applied"):
            try:
                start = parse_date(values[name], name, name, required=False)
            except ValidationError:
                continue
            if start is not None:
                return start
        return self.app.today

    def update_preview(self) -> None:
        preview = self.query("#preview")
        if not preview:
            return
        values = self.values()
        try:
            amount = parse_money(values["amount"], required=True, allow_zero=False)
            rate = domain.parse_rate(values["annual_rate"])
            months = parse_int(values["months"], "months", "期限", 1, 360, required=True)
            method = domain.parse_method(values["method"])
        except ValidationError:
            preview.first().update(_("填好金额、利率、期限和还款方式后，这里显示还款计划"))
            return
        rows = build_schedule(amount, rate, months, method, self._preview_start(values))
        _p, interest, total = totals(rows)
        first = rows[0]
        preview.first().update(_("首期 {d} 还 {a} 元（本金 {p}，利息 {i}）· 末期 {ld} 还 {la} 元 · 利息合计 {ti} 元").format(
            d=first.due.isoformat(), a=f"{first.payment:,.2f}", p=f"{first.principal:,.2f}",
            i=f"{first.interest:,.2f}", ld=rows[-1].due.isoformat(), la=f"{rows[-1].payment:,.2f}",
            ti=f"{interest:,.2f}"))
