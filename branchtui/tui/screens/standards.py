"""标准管理: room standards and their items (三个一, 六有 …)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar


class StandardsScreen(DataScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("返回"), id="standards.back"),
        Binding("f9", "new_standard", _("新增标准"), id="standards.new"),
        Binding("ctrl+n", "new_item", _("新增项目"), id="standards.new_item"),
        Binding("ctrl+t", "make_current", _("设为全镇当前标准"), id="standards.current"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.standards = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("标准"), classes="section-title")
        table = Table(id="standards", cursor_type="row")
        for key, label in (("name", "标准"), ("items", "项目数"), ("current", "当前"), ("desc", "说明")):
            table.add_column(_(label), key=key)
        yield table
        yield Static(_("项目"), classes="section-title", id="items-title")
        items = Table(id="items", cursor_type="row", zebra_stripes=True)
        for key, label in (("name", "项目"), ("category", "类别"), ("requirement", "要求")):
            items.add_column(_(label), key=key)
        yield items
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("标准管理")

    def reload(self) -> None:
        from branchtui.domain.standards import list_standards

        run_db(self, list_standards, self.show)

    def show(self, standards) -> None:
        self.standards = standards
        table = self.query_one("#standards", DataTable)
        row = table.cursor_row
        table.clear()
        for s in standards:
            table.add_row(s.name, str(len(s.items)), "✓" if s.is_current else "", s.description,
                          key=str(s.id))
        if standards:
            table.move_cursor(row=min(row, len(standards) - 1))
        self.show_items()

    def selected(self):
        table = self.query_one("#standards", DataTable)
        return self.standards[table.cursor_row] if self.standards and table.row_count else None

    def show_items(self) -> None:
        standard = self.selected()
        items = self.query_one("#items", DataTable)
        items.clear()
        if standard is None:
            return
        self.query_one("#items-title", Static).update(_("“{name}”的项目").format(name=standard.name))
        for item in standard.items:
            items.add_row(item.name, _(item.category), item.requirement, key=str(item.id))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "standards":
            self.show_items()

    def action_new_standard(self) -> None:
        from branchtui.tui.forms.standard_form import StandardForm

        self.app.push_screen(StandardForm())

    def action_new_item(self) -> None:
        standard = self.selected()
        if standard is not None:
            from branchtui.tui.forms.standard_form import StandardItemForm

            self.app.push_screen(StandardItemForm(standard.id, standard.name))

    def action_make_current(self) -> None:
        standard = self.selected()
        if standard is None:
            return
        from branchtui.domain.standards import set_current

        run_db(self, lambda: set_current(standard.id), lambda _r: self.reload(), group="standards-write")
