"""活动: the activities log, filtered by kind, branch and month."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Label, Select, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar

PAGE = 300


class ActivitiesScreen(DataScreen):
    AUTO_FOCUS = "#activities"
    BINDINGS = [
        Binding("ctrl+n", "new_activity", _("新增活动"), id="activities.new"),
        Binding("ctrl+t", "targets", _("目标进度"), id="activities.targets"),
        Binding("f9", "campaign", _("先进性教育"), id="activities.campaign"),
        Binding("f10", "registers", _("基本情况底册"), id="activities.registers"),
        Binding("f8", "honours", _("荣誉与考核"), id="activities.honours"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="filters"):
            yield Label(_("筛选"))
            yield Select([], prompt=_("全部类别"), id="kind", compact=True)
            yield Select([], prompt=_("全部支部"), id="branch", compact=True)
            yield Select([], prompt=_("全部月份"), id="month", compact=True)
        yield Static("", classes="hint", id="activities-count")
        table = Table(id="activities", cursor_type="row", zebra_stripes=True)
        for key, label in (("date", "日期"), ("kind", "类别"), ("branch", "支部"), ("topic", "主题"),
                           ("attendance", "出席")):
            table.add_column(_(label), key=key)
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        from branchtui.domain.activities import kind_choices
        from branchtui.domain.branches import branch_choices

        self.sub_title = _("活动")
        today = self.app.today
        months = [f"{today.year - (m > today.month - 1)}-{(today.month - 1 - m) % 12 + 1:02d}" for m in range(18)]
        self.query_one("#month", Select).set_options([(m, m) for m in months])

        def filled(loaded) -> None:
            kinds, branches = loaded
            self.query_one("#kind", Select).set_options(kinds)
            self.query_one("#branch", Select).set_options([(n, str(i)) for n, i in branches])

        run_db(self, lambda: (kind_choices(), branch_choices()), filled, group="activities-options")

    def _value(self, select_id: str):
        value = self.query_one(f"#{select_id}", Select).value
        return None if value is Select.NULL else value

    def reload(self) -> None:
        from branchtui.domain.activities import list_activities

        kind, branch, month = self._value("kind"), self._value("branch"), self._value("month")
        run_db(self, lambda: list_activities(kind_id=int(kind) if kind else None,
                                             branch_id=int(branch) if branch else None, month=month, limit=PAGE),
               self.show, group="activities-load")

    def on_select_changed(self, event: Select.Changed) -> None:
        self.reload()

    def show(self, rows) -> None:
        table = self.query_one("#activities", DataTable)
        with self.app.batch_update():
            table.clear()
            for r in rows:
                table.add_row(r.date.isoformat(), r.kind, r.branch, r.topic, r.attendance, key=str(r.id))
        more = _("（只显示最近 {n} 条，请筛选）").format(n=PAGE) if len(rows) >= PAGE else ""
        self.query_one("#activities-count", Static).update(
            _("共 {n} 次活动{more} · 出席为“实到/应到 +其他参加人数”").format(n=len(rows), more=more))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from branchtui.tui.forms.activity_form import ActivityForm

        self.app.push_screen(ActivityForm(int(event.row_key.value)))

    def action_new_activity(self) -> None:
        from branchtui.tui.forms.activity_form import ActivityForm

        branch = self._value("branch")
        self.app.push_screen(ActivityForm(initial={"branch": branch} if branch else None))

    def action_targets(self) -> None:
        from branchtui.tui.screens.targets import TargetsScreen

        self.app.push_screen(TargetsScreen())

    def action_campaign(self) -> None:
        from branchtui.tui.screens.campaign import CampaignScreen

        self.app.push_screen(CampaignScreen())

    def action_registers(self) -> None:
        from branchtui.tui.screens.registers import RegistersScreen

        self.app.push_screen(RegistersScreen())

    def action_honours(self) -> None:
        from branchtui.tui.screens.honours import HonoursScreen

        self.app.push_screen(HonoursScreen())
