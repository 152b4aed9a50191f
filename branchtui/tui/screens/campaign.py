"""先进性教育活动: the campaign board (branches × phases) and the problems raised."""

from __future__ import annotations

from rich.text import Text
from textual.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar


class CampaignScreen(DataScreen):
    AUTO_FOCUS = "#board"
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("返回"), id="campaign.back"),
        Binding("ctrl+n", "branch_progress", _("支部进度"), id="campaign.branch"),
        Binding("f8", "phase_dates", _("阶段实际日期"), id="campaign.phase"),
        Binding("f9", "new_problem", _("登记问题"), id="campaign.problem"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.board = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="campaign-info")
        yield Table(id="board", cursor_type="row", zebra_stripes=True)
        yield Static(_("群众反映的问题与整改 · Enter 编辑"), classes="section-title")
        problems = Table(id="problems", cursor_type="row", zebra_stripes=True)
        for key, label in (("raised", "问题"), ("source", "来源"), ("fix", "整改措施"), ("status", "状态")):
            problems.add_column(_(label), key=key)
        yield problems
        yield KeyBar()

    def reload(self) -> None:
        from branchtui.domain.campaign import board

        today = self.app.today
        run_db(self, lambda: board(today), self.show)

    def show(self, board) -> None:
        self.board = board
        info = self.query_one("#campaign-info", Static)
        if board.campaign is None:
            info.update(_("尚未建立先进性教育活动"))
            return
        self.sub_title = board.campaign.name
        phases = "  ".join(
            f"{p.position}.{p.name} {p.planned_start:%m-%d}~{p.planned_end:%m-%d}"
            + ("✓" if p.actual_end else ("▶" if p.actual_start else "")) for p in board.phases)
        returned = sum(s.returned for s in board.surveys)
        issued = sum(s.issued for s in board.surveys)
        info.update(f"[b]{escape(board.campaign.name)}[/b]  {_('主题')}：{escape(board.campaign.theme)}\n{escape(phases)}\n"
                    + _("座谈会 {m} 次 · 调查表发出 {i} 份、收回 {r} 份 · 完成支部 {d}/{n}").format(
                        m=sum(1 for s in board.surveys if s.kind == "座谈会"), i=issued, r=returned,
                        d=board.branches_done, n=len(board.rows)))
        table = self.query_one("#board", DataTable)
        with self.app.batch_update():
            table.clear(columns=True)
            table.add_column(_("支部"), key="branch")
            for p in board.phases:
                table.add_column(p.name, key=f"phase-{p.position}")
            table.add_column(_("参加党员"), key="members")
            table.add_column(_("完成"), key="done")
            for branch_id, name, reached, members, done in board.rows:
                cells = []
                for p in board.phases:
                    if reached is None or p.position > reached:
                        cells.append(Text("·", style="dim"))
                    elif p.position < reached or done:
                        cells.append(Text("✓", style="green"))
                    else:
                        cells.append(Text("▶", style="bold yellow"))
                table.add_row(name, *cells, str(members), done.isoformat() if done else "", key=str(branch_id))
            problems = self.query_one("#problems", DataTable)
            problems.clear()
            for p in board.problems:
                style = {"已整改": "green", "整改中": "yellow"}.get(p.status, "red")
                problems.add_row(p.raised, _(p.source), p.rectification or "—", Text(_(p.status), style=style),
                                 key=str(p.id))

    def _campaign_id(self) -> int | None:
        if self.board is None or self.board.campaign is None:
            self.notify(_("尚未建立先进性教育活动"), severity="warning")
            return None
        return self.board.campaign.id

    def action_branch_progress(self) -> None:
        campaign_id = self._campaign_id()
        if campaign_id is None:
            return
        from branchtui.tui.forms.campaign_forms import BranchProgressForm

        table = self.query_one("#board", DataTable)
        initial = {}
        if table.row_count:
            initial["branch"] = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.app.push_screen(BranchProgressForm(campaign_id, self.board.phases, initial=initial))

    def action_phase_dates(self) -> None:
        campaign_id = self._campaign_id()
        if campaign_id is not None:
            from branchtui.tui.forms.campaign_forms import PhaseForm

            self.app.push_screen(PhaseForm(campaign_id, self.board.phases))

    def action_new_problem(self) -> None:
        campaign_id = self._campaign_id()
        if campaign_id is not None:
            from branchtui.tui.forms.campaign_forms import ProblemForm

            self.app.push_screen(ProblemForm(campaign_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "problems" and self.board is not None:
            from branchtui.tui.forms.campaign_forms import ProblemForm

            problem = next(p for p in self.board.problems if str(p.id) == event.row_key.value)
            self.app.push_screen(ProblemForm(self.board.campaign.id, problem))
        elif event.data_table.id == "board":
            self.action_branch_progress()
