"""总览: the town's figures at a glance and the per-branch table."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.bars import bar, spark
from branchtui.tui.widgets.figure import Figure
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar


def first_few(items: list[str], sep: str, n: int = 4) -> str:
    """A district has hundreds of rooms: name a few, count the rest."""
    if len(items) <= n:
        return sep.join(items)
    return sep.join(items[:n]) + _("等 {n} 处").format(n=len(items))


def target_cell(b) -> Text:
    if b.target_ratio is None:
        return Text(_("未定目标"), style="dim")
    return bar(b.target_ratio, 10)


def room_cell(b) -> Text:
    if not b.room:
        return Text(_("无活动室"), style="red")
    if b.room_items == 0:
        return Text(_("无标准"), style="dim")
    text = bar((b.room_passed or 0) / b.room_items, 3, f"{b.room_passed or 0}/{b.room_items}")
    if b.room_disagrees:
        text.append(" !", style="bold yellow")
    return text


class OverviewScreen(DataScreen):
    BINDINGS = [
        Binding("enter", "open_branch", _("打开支部"), id="overview.open", show=False),
        Binding("f9", "audit", _("审计记录"), id="overview.audit"),
        Binding("ctrl+d", "as_of", _("截至日期"), id="overview.as_of"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="figures"):
            yield Figure(_("支部"), id="fig-branches")
            yield Figure(_("党员"), id="fig-members")
            yield Figure(_("活动室"), id="fig-rooms")
            yield Figure(_("阵地投入"), id="fig-invested")
        with Horizontal(classes="figures"):
            yield Figure(_("累计担保贷款"), id="fig-loans")
            yield Figure(_("贷款余额"), id="fig-outstanding")
            yield Figure(_("安置再就业"), id="fig-reemployed")
            yield Figure(_("财政贴息"), id="fig-subsidy")
        yield Static(_("各支部情况"), classes="section-title", id="table-title")
        # Names cut at 14 cells: every column, 活动室达标 last, fits 80 columns.
        table = Table(id="branch-table", cursor_type="row", zebra_stripes=True, max_cell=14)
        table.add_column(_("支部"), key="name")
        table.add_column(_("书记"), key="secretary")
        table.add_column(_("党员"), key="members")
        table.add_column(_("正式/预备"), key="split")
        table.add_column(_("今年目标进度"), key="targets")
        table.add_column(_("活动室达标"), key="room")
        yield table
        yield Static("", id="missing")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("总览")

    def reload(self) -> None:
        from branchtui.domain.summary import town_summary
        from branchtui.tui.forms.loan_as_of import as_of

        today = as_of(self.app)
        run_db(self, lambda: town_summary(today), self.show_summary, group="overview")

    def show_summary(self, summary) -> None:
        self.app.title = summary.committee + " · " + _("基层党建看板")
        self.sub_title = _("截至 {date}").format(date=summary.as_of.isoformat())
        total = len(summary.branches)
        roomless = sum(1 for b in summary.branches if not b.room)
        # 一居一支一室 only when it is true: otherwise say how many branches lack a room.
        self.query_one("#fig-branches", Figure).show(
            str(total), _("{n} 个支部无活动室").format(n=roomless) if roomless else _("一居一支一室"))
        self.query_one("#fig-members", Figure).show(
            str(summary.members), _("正式 {full} · 预备 {prob}").format(full=summary.full, prob=summary.probationary))
        self.query_one("#fig-rooms", Figure).show(
            f"{summary.rooms_meeting_standard}/{total}", _("达“{std}”标准").format(std=summary.standard))
        self.query_one("#fig-invested", Figure).show(
            _("{wan:.1f}万元").format(wan=summary.invested_fen / 1_000_000), _("活动室建设与设备"))
        loans = summary.loans
        if loans is not None:
            self.query_one("#fig-loans", Figure).show(
                _("{wan:.1f}万元").format(wan=loans.disbursed / 10000),
                _("今年") + spark(loans.monthly_this_year), _("{n} 笔").format(n=loans.count))
            overdue = _("逾期 {n} 笔").format(n=loans.overdue_count)
            self.query_one("#fig-outstanding", Figure).show(
                _("{wan:.1f}万元").format(wan=loans.outstanding / 10000),
                f"[red]{overdue}[/]" if loans.overdue_count else overdue,
                _("PAR30 {p:.1%}").format(p=loans.par30))
            self.query_one("#fig-reemployed", Figure).show(
                _("{n} 人").format(n=loans.reemployed), _("今年两户 {n} 户").format(n=loans.businesses_this_year),
                _("带动就业 {n}").format(n=loans.jobs_created))
            self.query_one("#fig-subsidy", Figure).show(
                _("{wan:.2f}万元").format(wan=loans.subsidy_this_year / 10000), _("今年应补贴利息"))
        short = [f"{b.name}{_('缺')}{'、'.join(b.room_missing)}" for b in summary.branches
                 if b.room and b.room_missing]
        odd = [f"{b.name} {'、'.join(b.room_disagrees)}" for b in summary.branches if b.room_disagrees]
        no_room = [b.name for b in summary.branches if not b.room]
        # Built as Text: branch and item names are shown as typed, never read as markup.
        notes = []
        if summary.behind:
            notes.append(Text.assemble((_("目标进度落后："), "yellow"), _("、").join(
                f"{b.name} {b.target_ratio:.0%}" for b in summary.behind)))
        if short:
            notes.append(Text.assemble((_("未达标："), "red"), first_few(short, _("；"))))
        if no_room:
            notes.append(Text.assemble((_("无活动室："), "red"), first_few(no_room, _("、"))))
        if odd:
            notes.append(Text.assemble((_("检查与台账不符："), "yellow"), first_few(odd, _("；"))))
        self._notes = (Text("\n").join(notes) if notes
                       else Text(_("全部活动室达“{std}”标准").format(std=summary.standard), style="green"))
        self.query_one("#missing", Static).update(self._notes)
        table = self.query_one("#branch-table", DataTable)
        cursor = table.cursor_row
        with self.app.batch_update():
            table.clear()
            for b in summary.branches:
                table.add_row(
                    b.name, b.secretary or _("（未设）"), str(b.members),
                    f"{b.full}/{b.probationary}", target_cell(b),
                    room_cell(b), key=str(b.id))
            if summary.branches:
                table.move_cursor(row=min(cursor, len(summary.branches) - 1))
        from branchtui.domain.sessions import others_online

        run_db(self, others_online, self.show_online, group="online")

    def show_online(self, online: list[str]) -> None:
        """Who else is working now, above the notes (asked after the figures, which come first)."""
        if online:
            self.query_one("#missing", Static).update(
                Text.assemble((_("在线："), "cyan"), _("、").join(online), "\n", self._notes))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(int(event.row_key.value))

    def action_open_branch(self) -> None:
        table = self.query_one("#branch-table", DataTable)
        if table.row_count:
            self._open(int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _open(self, branch_id: int) -> None:
        from branchtui.tui.screens.branch_detail import BranchDetailScreen

        self.app.push_screen(BranchDetailScreen(branch_id))

    def action_as_of(self) -> None:
        from branchtui.tui.forms.loan_as_of import AsOfForm

        self.app.push_screen(AsOfForm())

    def action_audit(self) -> None:
        from branchtui.tui.screens.audit_log import AuditScreen

        self.app.push_screen(AuditScreen())
