"""导入预览: a file checked row by row (新增 / 更新 / 不变 / 错误 with the
reason), then Ctrl+S writes it — all of it, or only the good rows (F8)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, ProgressBar, Select, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.widgets.inputs import QuietInput

KINDS = (("members", "党员"), ("borrowers", "借款人"), ("equipment", "设备"), ("loans", "贷款"))
STYLES = {"新增": "green", "更新": "yellow", "不变": "dim", "错误": "bold red"}
SHOWN = 2000  # rows in the table; the counts above it cover the whole file


class ImportPreviewScreen(Screen):
    AUTO_FOCUS = "#path"
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("返回"), id="import.back"),
        Binding("ctrl+s", "import", _("导入"), id="import.save", priority=True),
        Binding("f8", "toggle_skip", _("只导入正确的行"), id="import.skip"),
    ]

    def __init__(self, kind: str = "members", path: str = "") -> None:
        super().__init__()
        self.kind = kind
        self.initial_path = path
        self.plan = None
        self.skip_bad = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="import-file", classes="filters"):
            yield Label(_("文件"))
            yield QuietInput(self.initial_path, placeholder=_("Excel 或 CSV 文件的路径，回车检查"), id="path",
                             compact=True)
            yield Select([(_(name), kind) for kind, name in KINDS], value=self.kind, allow_blank=False,
                         id="kind", compact=True)
        yield Static(_("输入文件路径后按回车：先检查，不写入"), id="import-summary", classes="hint")
        yield ProgressBar(id="import-progress", show_eta=False)
        table = DataTable(id="import-rows", cursor_type="row", zebra_stripes=True)
        for key, label in (("line", "行"), ("status", "状态"), ("record", "记录"), ("note", "说明")):
            table.add_column(_(label), key=key)
        yield table
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = _("导入预览")
        if self.initial_path:
            self.check()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "path":
            self.check()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.kind = event.value
        if self.query_one("#path", Input).value.strip():
            self.check()

    def _progress(self):
        bar = self.query_one("#import-progress", ProgressBar)

        def update(done: int, total: int) -> None:
            if done == total or done % 200 == 0:  # the UI thread need not hear of every row
                self.app.call_from_thread(bar.update, progress=done, total=total)

        return update

    def check(self) -> None:
        from pathlib import Path

        from branchtui.io.imports import plan_import

        path = Path(self.query_one("#path", Input).value.strip()).expanduser()
        kind, today, progress = self.kind, self.app.today, self._progress()
        self.plan = None
        self.query_one("#import-summary", Static).update(_("正在检查 {name}…").format(name=path.name))
        run_db(self, lambda: plan_import(kind, path, today=today, progress=progress), self.show, self.failed,
               group="import-check")

    def failed(self, exc: Exception) -> None:
        self.query_one("#import-summary", Static).update(Text(str(exc), style="bold red"))
        self.query_one("#import-rows", DataTable).clear()

    def show(self, plan) -> None:
        self.plan = plan
        self._summary()
        table = self.query_one("#import-rows", DataTable)
        with self.app.batch_update():
            table.clear()
            for row in plan.rows[:SHOWN]:
                record = row.data.get("name") or ""
                note = row.reason if row.errors else (
                    _("变化：{fields}").format(fields=_("、").join(_(f) for f in row.changed)) if row.changed else "")
                table.add_row(str(row.line), Text(_(row.status), style=STYLES.get(row.status, "")), record,
                              Text(note, style="red" if row.errors else ""), key=str(row.line))

    def _summary(self) -> None:
        plan = self.plan
        counts = plan.counts
        text = _("{sheet}：新增 {new}，更新 {upd}，不变 {same}，错误 {bad}").format(
            sheet=plan.sheet, new=counts["新增"], upd=counts["更新"], same=counts["不变"], bad=counts["错误"])
        if plan.unknown:
            text += _("；未识别的列：{cols}").format(cols=_("、").join(plan.unknown))
        if plan.bad:
            text += _("。F8 只导入正确的行（{on}）").format(on=_("已选") if self.skip_bad else _("未选"))
        text += _("。Ctrl+S 导入")
        self.query_one("#import-summary", Static).update(text)

    def action_toggle_skip(self) -> None:
        self.skip_bad = not self.skip_bad
        if self.plan is not None:
            self._summary()

    def action_import(self) -> None:
        from branchtui.io.imports import apply_import

        plan = self.plan
        if plan is None:
            self.notify(_("请先输入文件路径并按回车检查"), severity="warning")
            return
        if plan.bad and not self.skip_bad:
            self.notify(_("有 {n} 行错误：改正文件后重新检查，或按 F8 只导入正确的行").format(n=len(plan.bad)),
                        severity="warning", timeout=6)
            return
        skip, today, progress = self.skip_bad, self.app.today, self._progress()
        self.plan = None  # one import per check: the rows are checked again before another

        def done(outcome) -> None:
            message = _("已导入：新增 {new}，更新 {upd}，不变 {same}").format(
                new=outcome.created, upd=outcome.updated, same=outcome.unchanged)
            if outcome.errors_file:
                message += _("；错误行已写入 {path}").format(path=outcome.errors_file)
            self.query_one("#import-summary", Static).update(message)
            self.notify(message, title=_("导入"), timeout=10)

        run_db(self, lambda: apply_import(plan, skip_bad=skip, today=today, progress=progress), done,
               self.failed, group="import-apply")
