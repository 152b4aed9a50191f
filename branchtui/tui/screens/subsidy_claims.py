"""贴息申报: the interest subsidy to claim from the finance office, per quarter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.widgets.table import Table


class SubsidyClaimsScreen(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss", _("关闭"), id="claims.close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="claims"):
            table = Table(id="claims-table", cursor_type="row")
            table.add_column(_("季度"), key="quarter")
            table.add_column(_("应申报贴息（元）"), key="amount")
            yield table
            yield Static(_("逾期期间和展期期间的利息不贴息 · Esc 关闭"), classes="hint")

    def on_mount(self) -> None:
        from branchtui.domain.loans.subsidy import claims_by_quarter
        from branchtui.tui.forms.loan_as_of import as_of, as_of_note

        today = as_of(self.app)  # the overview's Ctrl+D date
        self.query_one("#claims").border_title = _("财政贴息申报表") + as_of_note(self.app)
        run_db(self, lambda: claims_by_quarter(None, today), self.show)

    def show(self, claims) -> None:
        table = self.query_one("#claims-table", DataTable)
        for quarter, amount in reversed(list(claims.items())):
            table.add_row(quarter, f"{amount:,.2f}", key=quarter)
