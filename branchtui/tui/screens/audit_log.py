"""审计记录: who changed what, when, before → after; read only."""

from __future__ import annotations

import json
from functools import lru_cache

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from branchtui.domain.errors import ValidationError
from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.inputs import QuietInput
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar

PAGE = 200
ACTIONS = {"create": "新增", "update": "修改", "delete": "删除", "refused": "拒绝"}


TABLE_NAMES = {
    "member": "党员", "branch": "支部", "room": "活动室", "equipment": "设备", "inspection": "检查",
    "inspection_result": "检查结果", "standard": "标准", "standard_item": "标准项目", "room_rule": "制度",
    "borrower": "借款人", "loan": "贷款", "repayment": "还款", "loan_event": "贷款事项", "business": "两户",
    "placement": "再就业", "activity": "活动", "target": "目标", "appraisal": "考核", "honour": "荣誉",
    "register": "基本情况底册", "campaign": "先进性教育", "problem": "问题", "survey": "调查", "app_user": "用户",
}


@lru_cache(maxsize=1)
def field_labels() -> dict[str, str]:
    """The labels the forms show for each field name (the first form to use a name wins)."""
    import importlib
    import pkgutil

    import branchtui.tui.forms as forms
    from branchtui.tui.forms.base import FormScreen

    labels: dict[str, str] = {"reason": "原因", "role": "角色", "action": "操作", "branch_id": "支部"}
    for info in pkgutil.iter_modules(forms.__path__):
        module = importlib.import_module(f"{forms.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, FormScreen):
                for spec in value.FIELDS:
                    labels.setdefault(spec.name, spec.label)
    return labels


def label_of(key: str) -> str:
    labels = field_labels()
    label = labels.get(key) or labels.get(key.removesuffix("_id"))
    return _(label) if label else key


def change_text(before: str | None, after: str | None) -> str:
    """Only what changed: field before → after, by the labels the forms use."""
    old = json.loads(before) if before else {}
    new = json.loads(after) if after else {}
    if not old:
        return _("、").join(f"{label_of(k)}={v}" for k, v in new.items()
                           if v not in (None, "", 0) and k != "id")[:200]
    return _("；").join(f"{label_of(k)}：{old.get(k)} → {new.get(k)}" for k in new if old.get(k) != new.get(k))[:200]


class AuditScreen(DataScreen):
    AUTO_FOCUS = "#audit"
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("返回"), id="audit.back"),
        Binding("ctrl+f", "find", _("查找"), id="audit.find"),
        Binding("pagedown,f8", "more", _("下一页"), id="audit.more", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page_start = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="filters"):
            yield Label(_("人员"))
            yield QuietInput(placeholder=_("登录名"), id="login", compact=True)
            yield Select([], prompt=_("全部表"), id="table", compact=True)
            yield QuietInput(placeholder=_("起始日期"), id="since", compact=True)
            yield QuietInput(placeholder=_("截止日期"), id="until", compact=True)
        yield Static("", classes="hint", id="audit-count")
        table = Table(id="audit", cursor_type="row", zebra_stripes=True)
        for key, label in (("at", "时间"), ("login", "人员"), ("table", "表"), ("row", "记录"),
                           ("action", "操作"), ("change", "变化")):
            table.add_column(_(label), key=key)
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        from branchtui.domain.audit import scope_note, tables

        self.sub_title = _("审计记录（只读）")
        # The domain shows each role only its share of the trail (its branch, no personal rows).
        run_db(self, scope_note, lambda note: setattr(self, "sub_title", note), group="audit-scope")
        run_db(self, tables, lambda names: self.query_one("#table", Select).set_options(
            [(_(TABLE_NAMES.get(n, n)), n) for n in names]),
               group="audit-tables")

    def _filters(self) -> dict:
        from branchtui.domain.parse import parse_date

        table = self.query_one("#table", Select).value
        out = {"login": self.query_one("#login", Input).value, "table": "" if table is Select.NULL else table}
        for key in ("since", "until"):
            try:
                out[key] = parse_date(self.query_one(f"#{key}", Input).value, key, "日期", required=False)
            except ValidationError:
                out[key] = None  # half-typed: filter once it is a date
        return out

    def reload(self) -> None:
        from branchtui.domain.audit import search

        filters, offset = self._filters(), self.page_start
        run_db(self, lambda: search(**filters, limit=PAGE, offset=offset), self.show, group="audit-load")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.page_start = 0
        self.reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.page_start = 0
        self.reload()

    def show(self, rows) -> None:
        table = self.query_one("#audit", DataTable)
        with self.app.batch_update():
            table.clear()
            for r in rows:
                table.add_row(r.at.strftime("%Y-%m-%d %H:%M"), r.login, _(TABLE_NAMES.get(r.table, r.table)),
                              str(r.row_id or ""),
                              _(ACTIONS.get(r.action, r.action)), change_text(r.before, r.after), key=str(r.id))
        self.query_one("#audit-count", Static).update(
            _("第 {a}–{b} 条 · PageDown 下一页").format(a=self.page_start + 1 if rows else 0, b=self.page_start + len(rows)))

    def action_find(self) -> None:
        self.query_one("#login", Input).focus()

    def action_more(self) -> None:
        self.page_start += PAGE
        self.reload()
