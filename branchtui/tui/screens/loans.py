"""贷款: the loan book, filtered and sorted by days past due."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Label, Select, Sparkline, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.inputs import QuietInput
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar

SHOWN = 300  # a DataTable of 10,000 rows takes seconds: the most overdue first, the rest by filter
STATE_FILTERS = ("申请", "审批", "还款中", "展期", "结清", "代偿", "追偿", "核销", "撤销")


def money(amount) -> str:
    return f"{amount:,.2f}"


def money_short(amount) -> str:
    """10,000 rather than 10,000.00 where there are no fen: narrow columns at 80×24."""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def wan(amount) -> str:
    return f"{amount / 10000:,.2f}"


class LoansScreen(DataScreen):
    AUTO_FOCUS = "#loans"
    BINDINGS = [
        Binding("ctrl+n", "new_loan", _("新增贷款"), id="loans.new"),
        Binding("f8", "new_borrower", _("登记借款人"), id="loans.new_borrower"),
        Binding("ctrl+f", "find", _("查找"), id="loans.find"),
        Binding("f9", "new_business", _("登记两户"), id="loans.new_business"),
        Binding("f10", "new_placement", _("登记再就业"), id="loans.new_placement"),
        Binding("ctrl+t", "claims", _("贴息申报表"), id="loans.claims"),
        Binding("ctrl+e", "export", _("导出"), id="loans.export", priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="loan-filters", classes="filters"):
            yield Label(_("查找"))
            yield QuietInput(placeholder=_("借款人或项目"), id="search", compact=True)
            yield Select([(_(s), s) for s in STATE_FILTERS], prompt=_("全部状态"), id="state", compact=True)
            yield Select([(_(n), b) for b, n in self._buckets()], prompt=_("全部账龄"), id="bucket", compact=True)
            yield Select([], prompt=_("全部年份"), id="year", compact=True)
            yield Select([], prompt=_("全部支部"), id="branch", compact=True)
        with Horizontal(id="monthly-row"):
            yield Static(_("今年每月发放"), id="monthly-label")
            yield Sparkline([0] * 12, id="monthly")
        yield Static("", id="loan-totals", classes="hint")
        table = Table(id="loans", cursor_type="row", zebra_stripes=True)
        for key, label in (("borrower", "借款人"), ("branch", "支部"), ("business", "项目"),
                           ("amount", "金额"), ("disbursed", "发放"), ("state", "状态"),
                           ("outstanding", "余额"), ("dpd", "逾期")):
            table.add_column(_(label), key=key)
        yield table
        yield KeyBar()

    @staticmethod
    def _buckets():
        from branchtui.domain.loans.arrears import BUCKET_NAMES

        return list(BUCKET_NAMES.items())

    def on_mount(self) -> None:
        self.sub_title = _("小额担保贷款")
        this_year = self.app.today.year
        self.query_one("#year", Select).set_options([(str(y), y) for y in range(this_year, this_year - 8, -1)])
        from branchtui.domain.branches import branch_choices

        run_db(self, branch_choices, lambda rows: self.query_one("#branch", Select).set_options(rows),
               group="loans-branches")

    def _filters(self) -> dict:
        def value(select_id):
            v = self.query_one(f"#{select_id}", Select).value
            return None if v is Select.NULL else v

        return {"query": self.query_one("#search", Input).value, "state": value("state"),
                "bucket": value("bucket"), "year": value("year"), "branch_id": value("branch")}

    def reload(self) -> None:
        from branchtui.domain.loans.portfolio import loan_rows
        from branchtui.domain.summary import town_summary
        from branchtui.tui.forms.loan_as_of import as_of, as_of_note

        filters, today = self._filters(), as_of(self.app)  # the overview's Ctrl+D date
        self.sub_title = _("小额担保贷款") + as_of_note(self.app)

        def job():
            # The totals are the overview's, remembered until the next write: the
            # book is computed once here (for the rows), not twice.
            return town_summary(today).loans, loan_rows(today, **filters)

        run_db(self, job, self.show, group="loans-load")

    SEARCH_PAUSE = 0.3  # seconds of no typing before the book is searched

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            # Debounced: the arrears of the book are computed once per pause in typing,
            # not once per keystroke.
            timer = getattr(self, "_search_timer", None)
            if timer is not None:
                timer.stop()
            self._search_timer = self.set_timer(self.SEARCH_PAUSE, self.reload)

    def on_select_changed(self, event: Select.Changed) -> None:
        self.reload()

    def show(self, loaded) -> None:
        figures, rows = loaded
        self.query_one("#monthly", Sparkline).data = [float(m) for m in figures.monthly_this_year]
        self.query_one("#loan-totals", Static).update(
            _("累计 {d}万 · 余额 {o}万 · 逾期 {n} 笔 · PAR30 {p:.2%} · 本表 {rows} 笔（灰色为样例）").format(
                d=wan(figures.disbursed), o=wan(figures.outstanding), n=figures.overdue_count, p=figures.par30,
                rows=len(rows)) + (_("，显示最前 {n} 笔，请用筛选缩小范围").format(n=SHOWN) if len(rows) > SHOWN else ""))
        table = self.query_one("#loans", DataTable)
        cursor = table.cursor_row
        with self.app.batch_update():
            table.clear()
            for r in rows[:SHOWN]:
                style = "bold red" if r.days_past_due > 30 else ("yellow" if r.days_past_due > 0 else "")
                if r.sample and not style:
                    style = "dim"
                cells = [r.borrower, r.branch, r.business, money_short(r.amount),
                         r.disbursed.isoformat() if r.disbursed else "—", _(r.state),
                         money(r.outstanding) if r.outstanding else "—",
                         str(r.days_past_due) if r.days_past_due else ""]
                table.add_row(*(Text(c, style=style) for c in cells), key=str(r.id))
            if rows:
                table.move_cursor(row=min(cursor, min(len(rows), SHOWN) - 1))

    def action_export(self) -> None:
        from branchtui.tui.export import export_from

        export_from(self, "loans", "贷款台账", **self._filters())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from branchtui.tui.screens.loan_detail import LoanDetailScreen

        self.app.push_screen(LoanDetailScreen(int(event.row_key.value)))

    def action_find(self) -> None:
        self.query_one("#search", Input).focus()

    def action_new_loan(self) -> None:
        from branchtui.tui.forms.loan_form import LoanForm

        self.app.push_screen(LoanForm())

    def action_new_borrower(self) -> None:
        from branchtui.tui.forms.borrower_form import BorrowerForm

        self.app.push_screen(BorrowerForm())

    def action_new_business(self) -> None:
        from branchtui.tui.forms.outcome_forms import BusinessForm

        self.app.push_screen(BusinessForm())

    def action_new_placement(self) -> None:
        from branchtui.tui.forms.outcome_forms import PlacementForm

        self.app.push_screen(PlacementForm())

    def action_claims(self) -> None:
        from branchtui.tui.screens.subsidy_claims import SubsidyClaimsScreen

        self.app.push_screen(SubsidyClaimsScreen())
