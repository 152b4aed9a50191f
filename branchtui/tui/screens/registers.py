"""基本情况底册: each branch's latest community figures and their change."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar


class RegistersScreen(DataScreen):
    AUTO_FOCUS = "#registers"
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("返回"), id="registers.back"),
        Binding("ctrl+n", "new_entry", _("登记底册"), id="registers.new"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("最新一次登记的数字，括号内为与上一次相比的变化"), classes="hint")
        yield Table(id="registers", cursor_type="cell", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("基本情况底册和动态记录")

    def reload(self) -> None:
        from branchtui.domain.registers import latest_registers

        run_db(self, latest_registers, self.show)

    def show(self, rows) -> None:
        from branchtui.domain.registers import FIGURES

        table = self.query_one("#registers", DataTable)
        with self.app.batch_update():
            table.clear(columns=True)
            table.add_column(_("支部"), key="branch")
            table.add_column(_("日期"), key="date")
            for key, label in FIGURES:
                table.add_column(_(label), key=key)
            for row in rows:
                cells = []
                for key, _label in FIGURES:
                    if key not in row.figures:
                        cells.append(Text("—", style="dim"))
                        continue
                    text = Text(str(row.figures[key]))
                    delta = row.change.get(key)
                    if delta:
                        text.append(f"({delta:+d})", style="dim")
                    cells.append(text)
                table.add_row(row.branch, row.date.isoformat() if row.date else "", *cells, key=str(row.branch_id))

    def action_new_entry(self) -> None:
        from branchtui.tui.forms.register_form import RegisterForm

        table = self.query_one("#registers", DataTable)
        initial = {}
        if table.row_count:
            initial["branch"] = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.app.push_screen(RegisterForm(initial=initial))
