"""贷款详情: schedule, payments against it, arrears, subsidy, history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.text import Text
from textual.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.screens.loans import money
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar

STATUS_STYLE = {"已还": "green", "逾期": "bold red", "部分": "yellow"}


def _table(table_id: str, columns) -> DataTable:
    table = Table(id=table_id, cursor_type="row", zebra_stripes=True)
    for key, label in columns:
        table.add_column(_(label), key=key)
    return table


class LoanDetailScreen(DataScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("返回"), id="loan.back"),
        Binding("ctrl+n", "repay", _("登记还款"), id="loan.repay"),
        Binding("f8", "extend", _("展期"), id="loan.extend"),
        Binding("f9", "payout", _("代偿"), id="loan.payout"),
        Binding("f10", "recover", _("追偿"), id="loan.recover"),
        Binding("ctrl+g", "advance", _("办理：审批/发放/核销"), id="loan.advance"),
        Binding("ctrl+o", "edit_borrower", _("编辑借款人"), id="loan.borrower"),
    ]

    def __init__(self, loan_id: int) -> None:
        super().__init__()
        self.loan_id = loan_id
        self.loan = None
        self.note = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="loan-info")
        with TabbedContent(id="tabs"):
            with TabPane(_("还款计划"), id="tab-schedule"):
                yield _table("schedule", (("n", "期"), ("due", "到期日"), ("principal", "本金"),
                                          ("interest", "利息"), ("payment", "月供"), ("balance", "余额"),
                                          ("status", "状态")))
            with TabPane(_("提前还款前"), id="tab-before"):
                yield Static("", id="before-note", classes="hint")
                yield _table("before", (("n", "期"), ("due", "到期日"), ("principal", "本金"),
                                        ("interest", "利息"), ("payment", "月供"), ("balance", "余额")))
            with TabPane(_("还款记录"), id="tab-payments"):
                yield _table("payments", (("date", "日期"), ("principal", "本金"), ("interest", "利息"),
                                          ("note", "说明")))
            with TabPane(_("贴息"), id="tab-subsidy"):
                yield _table("subsidy", (("n", "期"), ("due", "到期日"), ("interest", "利息"),
                                         ("subsidy", "贴息"), ("reason", "说明")))
            with TabPane(_("经过"), id="tab-events"):
                yield _table("events", (("date", "日期"), ("kind", "事项"), ("amount", "金额"), ("note", "说明")))
        yield KeyBar()

    def reload(self) -> None:
        from branchtui.domain.loans.guarantee import paid_out, recovered
        from branchtui.domain.loans.repayments import installment_status, loan_arrears, payments_of, repayments
        from branchtui.domain.loans.service import get_loan, loan_schedule
        from branchtui.domain.loans.subsidy import subsidy_lines
        from branchtui.domain.loans.history import state_on
        from branchtui.domain.loans.service import entries_of, events_of
        from branchtui.store.models import LoanEvent
        from branchtui.tui.forms.loan_as_of import as_of, as_of_note

        loan_id, today = self.loan_id, as_of(self.app)  # the overview's Ctrl+D date
        self.note = as_of_note(self.app)

        def job():
            loan = get_loan(loan_id)
            entries = entries_of(loan_id)
            schedule = loan_schedule(loan, today, entries=entries) if loan.disbursed else []
            payments = [p for p in payments_of(loan_id) if p.date <= today]
            events = list(LoanEvent.select().where(LoanEvent.loan == loan_id).order_by(LoanEvent.date, LoanEvent.id))
            prepaid = [e for e in entries if e.prepay and e.date <= today]
            return {
                "loan": loan, "borrower": loan.borrower.name, "state": state_on(events_of(loan_id), today) or loan.state,
                "branch": loan.branch.name if loan.branch_id else "",
                "schedule": schedule, "status": installment_status(schedule, payments, today),
                # the schedule before the last prepayment, to compare with the one after
                "before": loan_schedule(loan, prepaid[-1].date - dt.timedelta(days=1), entries=entries)
                if prepaid else [],
                "arrears": loan_arrears(loan, today, entries) if loan.disbursed else None,
                "repayments": repayments(loan_id), "subsidy": subsidy_lines(loan, today, schedule=schedule),
                "events": events, "paid_out": paid_out(loan_id), "recovered": recovered(loan_id),
            }

        run_db(self, job, self.show)

    def show(self, d) -> None:
        from branchtui.domain.loans.arrears import BUCKET_NAMES
        from branchtui.domain.loans.schedule import METHOD_NAMES

        loan = self.loan = d["loan"]
        self.sub_title = _("{name}的贷款").format(name=d["borrower"]) + self.note
        lines = [
            f"[b]{escape(d['borrower'])}[/b]  {escape(loan.business)}  {escape(d['branch'])}  "
            + _("{amount} 元 · 年利率 {rate}% · {months} 个月 · {method}").format(
                amount=money(loan.amount), rate=loan.annual_rate, months=loan.months,
                method=_(METHOD_NAMES[loan.method])),
            _("状态：{state}  申请 {a}  审批 {b}  发放 {c}").format(
                state=_(d["state"]), a=loan.applied.isoformat(),
                b=loan.approved.isoformat() if loan.approved else "—",
                c=loan.disbursed.isoformat() if loan.disbursed else "—")
            + (_("  展期 {n} 个月").format(n=loan.extension_months) if loan.extension_months else ""),
        ]
        a = d["arrears"]
        if a is not None and d["state"] in ("还款中", "展期"):
            colour = "red" if a.days_past_due > 30 else ("yellow" if a.days_past_due else "green")
            lines.append(f"[{colour}]" + _("尚欠本金 {o} 元 · {bucket}").format(
                o=money(a.outstanding_principal), bucket=_(BUCKET_NAMES[a.bucket])) + "[/]"
                + (_(" · 逾期 {d} 天，逾期本金 {p} 元、利息 {i} 元").format(
                    d=a.days_past_due, p=money(a.overdue_principal), i=money(a.overdue_interest))
                   if a.days_past_due else ""))
        if d["paid_out"]:
            lines.append(_("担保代偿 {p} 元，已追回 {r} 元").format(p=money(d["paid_out"]), r=money(d["recovered"])))
        subsidy = sum((s.subsidy for s in d["subsidy"]), Decimal("0.00"))
        lines[-1] += "  " + _("贴息合计 {s} 元").format(s=money(subsidy))
        self.query_one("#loan-info", Static).update("\n".join(lines))

        with self.app.batch_update():
            table = self.query_one("#schedule", DataTable)
            table.clear()
            for row, status in zip(d["schedule"], d["status"]):
                table.add_row(str(row.number), row.due.isoformat(), money(row.principal), money(row.interest),
                              money(row.payment), money(row.balance),
                              Text(_(status), style=STATUS_STYLE.get(status, "")), key=str(row.number))
            table = self.query_one("#before", DataTable)
            table.clear()
            for row in d["before"]:
                table.add_row(str(row.number), row.due.isoformat(), money(row.principal), money(row.interest),
                              money(row.payment), money(row.balance), key=str(row.number))
            self.query_one("#before-note", Static).update(
                _("最近一次提前还款前的还款计划（现行计划见“还款计划”）") if d["before"] else _("没有提前还款"))
            table = self.query_one("#payments", DataTable)
            table.clear()
            for r in d["repayments"]:
                note = r.note + (_("（冲正第 {n} 笔）").format(n=r.reverses_id) if r.reverses_id else "")
                table.add_row(r.date.isoformat(), money(r.principal), money(r.interest), note, key=str(r.id))
            table = self.query_one("#subsidy", DataTable)
            table.clear()
            for s in d["subsidy"]:
                table.add_row(str(s.number), s.due.isoformat(), money(s.interest), money(s.subsidy),
                              _(s.reason) if s.reason else "", key=str(s.number))
            table = self.query_one("#events", DataTable)
            table.clear()
            for e in d["events"]:
                table.add_row(e.date.isoformat(), _(e.kind), money(e.amount) if e.amount else "", e.note,
                              key=str(e.id))

    # --- actions ----------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "payments":
            from branchtui.tui.forms.loan_actions import reversal_form

            self.app.push_screen(reversal_form(int(event.row_key.value)))

    def _open(self, factory_name: str) -> None:
        from branchtui.tui.forms import loan_actions

        self.app.push_screen(getattr(loan_actions, factory_name)(self.loan_id))

    def action_repay(self) -> None:
        self._open("repayment_form")

    def action_extend(self) -> None:
        self._open("extension_form")

    def action_payout(self) -> None:
        self._open("payout_form")

    def action_recover(self) -> None:
        self._open("recovery_form")

    def action_advance(self) -> None:
        if self.loan is None:
            return
        from branchtui.tui.forms import loan_actions

        form = loan_actions.advance_form(self.loan_id, self.loan.state)
        if form is None:
            self.notify(_("“{s}”状态的贷款没有可办理的下一步").format(s=_(self.loan.state)), severity="warning")
        else:
            self.app.push_screen(form)

    def action_edit_borrower(self) -> None:
        if self.loan is not None:
            from branchtui.tui.forms.borrower_form import BorrowerForm

            self.app.push_screen(BorrowerForm(self.loan.borrower_id))
