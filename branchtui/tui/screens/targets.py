"""目标进度: this year's 122 targets per branch, with what the records say."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.bars import bar
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar


class TargetsScreen(DataScreen):
    AUTO_FOCUS = "#targets"
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("返回"), id="targets.back"),
        Binding("ctrl+n", "set_target", _("设定目标"), id="targets.set"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("实际数由活动、贷款、安置等记录自动统计，不需重复录入；格中为“实际/目标”"), classes="hint")
        # Cell cursor: ← → scroll to the measures that do not fit at 80 columns.
        yield Table(id="targets", cursor_type="cell", zebra_stripes=True)
        yield KeyBar()

    _measures: list = []

    def on_mount(self) -> None:
        self.sub_title = _("{year}年 122工程目标进度").format(year=self.app.today.year)

    def reload(self) -> None:
        from branchtui.domain.targets import progress

        today = self.app.today
        run_db(self, lambda: progress(today.year, today), self.show)

    def show(self, rows) -> None:
        measures = []
        for row in rows:
            for line in row.lines:
                if (line.measure, line.label) not in measures:
                    measures.append((line.measure, line.label))
        table = self.query_one("#targets", DataTable)
        with self.app.batch_update():
            # Columns rebuilt only when the measures change: a reload after saving a
            # target keeps the table's widths and scroll position.
            if measures != self._measures:
                table.clear(columns=True)
                table.add_column(_("支部"), key="branch")
                table.add_column(_("进度"), key="ratio")
                for measure, label in measures:
                    table.add_column(label, key=measure)
                self._measures = measures
            else:
                table.clear()
            for row in rows:
                lines = {line.measure: line for line in row.lines}
                cells = []
                for measure, _label in measures:
                    line = lines.get(measure)
                    if line is None:
                        cells.append(Text("—", style="dim"))
                    else:
                        style = "green" if line.actual >= line.expected else ("red" if line.actual == 0 else "yellow")
                        cells.append(Text(f"{line.actual}/{line.expected}", style=style))
                ratio = bar(row.ratio, 8) if row.ratio is not None else Text(_("未定目标"), style="dim")
                table.add_row(row.branch, ratio, *cells, key=str(row.branch_id))

    def action_set_target(self) -> None:
        from branchtui.tui.forms.target_form import TargetForm

        table = self.query_one("#targets", DataTable)
        initial = {"year": str(self.app.today.year)}
        if table.row_count:
            initial["branch"] = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.app.push_screen(TargetForm(initial=initial))
