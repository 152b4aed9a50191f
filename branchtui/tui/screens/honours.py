"""荣誉与考核: honours of branches and people, and the year-end appraisals."""

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


def _mark(ok: bool, note: str) -> Text:
    return Text("✓" + (f" {note}" if note else ""), style="green") if ok else Text("✗ " + note, style="red")


class HonoursScreen(DataScreen):
    AUTO_FOCUS = "#appraisals"
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("返回"), id="honours.back"),
        Binding("ctrl+n", "new_appraisal", _("年终考核"), id="honours.appraisal"),
        Binding("f9", "new_honour", _("登记荣誉"), id="honours.new"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("年终考核：目标、制度、任务三落实"), classes="section-title")
        appraisals = Table(id="appraisals", cursor_type="row", zebra_stripes=True)
        for key, label in (("year", "年度"), ("branch", "支部"), ("secretary", "书记"), ("goals", "目标落实"),
                           ("rules", "制度落实"), ("tasks", "任务落实"), ("score", "得分")):
            appraisals.add_column(_(label), key=key)
        yield appraisals
        yield Static(_("荣誉"), classes="section-title")
        honours = Table(id="honours", cursor_type="row", zebra_stripes=True)
        for key, label in (("year", "年度"), ("name", "荣誉称号"), ("level", "级别"), ("who", "获奖者")):
            honours.add_column(_(label), key=key)
        yield honours
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("荣誉与考核")

    def reload(self) -> None:
        from branchtui.domain.honours import appraisals, honours

        run_db(self, lambda: (appraisals(), honours()), self.show)

    def show(self, loaded) -> None:
        appraisal_rows, honour_rows = loaded
        with self.app.batch_update():
            table = self.query_one("#appraisals", DataTable)
            table.clear()
            for a in appraisal_rows:
                table.add_row(str(a.year), a.branch.name, a.secretary, _mark(a.goals_ok, a.goals_note),
                              _mark(a.rules_ok, a.rules_note), _mark(a.tasks_ok, a.tasks_note),
                              "" if a.score is None else str(a.score), key=str(a.id))
            table = self.query_one("#honours", DataTable)
            table.clear()
            for h in honour_rows:
                who = _("、").join(x for x in (h.person, h.branch.name if h.branch_id else "") if x)
                table.add_row(str(h.year), h.name, _(h.level), who, key=str(h.id))

    def action_new_appraisal(self) -> None:
        from branchtui.tui.forms.honour_forms import AppraisalForm

        self.app.push_screen(AppraisalForm(initial={"year": str(self.app.today.year - 1)}))

    def action_new_honour(self) -> None:
        from branchtui.tui.forms.honour_forms import HonourForm

        self.app.push_screen(HonourForm(initial={"year": str(self.app.today.year)}))
