"""活动室检查: rooms × items of a standard, toggled for a new inspection round."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Label, Select, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar

FIXED_COLUMNS = 2  # 支部, 活动室


def cell_text(passed: bool, changed: bool, disagrees: bool) -> Text:
    text = Text("✓" if passed else "✗", style="bold green" if passed else "bold red")
    if changed:
        text.append("*", style="bold")
    if disagrees:
        text.append("!", style="bold yellow")
    return text


class RoomsScreen(DataScreen):
    AUTO_FOCUS = "#matrix"
    BINDINGS = [
        Binding("space,f8", "toggle", _("切换达标"), id="rooms.toggle"),
        Binding("ctrl+s", "save_round", _("保存本轮检查"), id="rooms.save_round"),
        Binding("f10", "filter_short", _("只看未达标"), id="rooms.filter"),
        Binding("ctrl+r", "room_detail", _("活动室详情"), id="rooms.detail"),
        Binding("f9", "standards", _("标准管理"), id="rooms.standards"),
        Binding("ctrl+e", "export", _("导出"), id="rooms.export", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.standard = None
        self.rooms = []  # RoomCompliance rows of the latest load
        self.pending: dict[tuple[int, int], bool] = {}
        self.changed: set[tuple[int, int]] = set()
        self.only_short = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="standard-row"):
            yield Label(_("标准"))
            yield Select([], prompt=_("请选择"), id="standard", compact=True)
            yield Static("", id="round-status")
        yield Table(id="matrix", cursor_type="cell", zebra_stripes=True)
        yield Static(_("✓达标 ✗不达标 *本轮已改 !与台账不符 · 空格切换 · Enter 台账 · Ctrl+S 保存"),
                     classes="hint", id="legend")
        yield Static("", classes="hint", id="short-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("活动室检查")

    # --- loading --------------------------------------------------------
    def reload(self) -> None:
        from branchtui.domain.compliance import room_compliance
        from branchtui.domain.standards import current_standard, get_standard, list_standards

        wanted = self.standard.id if self.standard else None
        today = self.app.today

        def job():
            standards = list_standards()
            standard = get_standard(wanted) if wanted else current_standard()
            return standards, standard, room_compliance(standard, as_of=today) if standard else []

        run_db(self, job, self.show, group="rooms-load")

    def show(self, loaded) -> None:
        standards, standard, rooms = loaded
        select = self.query_one("#standard", Select)
        with select.prevent(Select.Changed):
            select.set_options([(s.name + (_("（当前）") if s.is_current else ""), s.id) for s in standards])
            if standard:
                select.value = standard.id
        if self.standard is None or standard is None or standard.id != self.standard.id:
            self.pending.clear()
            self.changed.clear()
        self.standard, self.rooms = standard, rooms
        for room in rooms:
            for cell in room.cells:
                key = (room.room_id, cell.item_id)
                if key not in self.changed:
                    # A new round starts from what was last found, or the ledger if never inspected.
                    self.pending[key] = cell.inspected if cell.inspected is not None else bool(cell.ledger)
        self.render_matrix()

    def render_matrix(self) -> None:
        table = self.query_one("#matrix", DataTable)
        cursor = table.cursor_coordinate
        with self.app.batch_update():
            table.clear(columns=True)
            table.add_column(_("支部"), key="branch")
            table.add_column(_("上次检查"), key="last")
            items = self.standard.items if self.standard else ()
            for item in items:
                table.add_column(item.name, key=f"item-{item.id}")
            table.add_column(_("本轮"), key="verdict")
            shown = [r for r in self.rooms if not self.only_short or not self._meets(r)]
            for room in shown:
                cells = []
                for cell in room.cells:
                    key = (room.room_id, cell.item_id)
                    cells.append(cell_text(self.pending[key], key in self.changed,
                                           bool(cell.ledger) != self.pending[key] and cell.ledger is not None))
                verdict = Text(_("达标"), style="green") if self._meets(room) else Text(
                    _("缺 {n} 项").format(n=sum(1 for c in room.cells if not self.pending[(room.room_id, c.item_id)])),
                    style="red")
                last = room.last_inspected.isoformat() if room.last_inspected else _("未检查")
                table.add_row(room.branch, last, *cells, verdict, key=str(room.room_id))
            if shown:
                table.cursor_coordinate = table.validate_cursor_coordinate(cursor)
        meeting = sum(1 for r in self.rooms if self._meets(r))
        self.query_one("#round-status", Static).update(
            _("本轮：{m}/{n} 达标，已改 {c} 处").format(m=meeting, n=len(self.rooms), c=len(self.changed)))
        short = [f"{r.branch}：{'、'.join(c.item for c in r.cells if not self.pending[(r.room_id, c.item_id)])}"
                 for r in self.rooms if not self._meets(r)]
        self.query_one("#short-list", Static).update(
            (_("未达标：") + _("；").join(short)) if short else _("全部活动室达标"))

    def _meets(self, room) -> bool:
        return all(self.pending[(room.room_id, c.item_id)] for c in room.cells)

    # --- the cursor -------------------------------------------------------
    def _cursor_cell(self):
        """(room row, item) under the cursor; item is None off the item columns."""
        table = self.query_one("#matrix", DataTable)
        if not table.row_count:
            return None, None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        room = next((r for r in self.rooms if str(r.room_id) == row_key.value), None)
        column = table.cursor_coordinate.column - FIXED_COLUMNS
        items = self.standard.items if self.standard else ()
        item = items[column] if room is not None and 0 <= column < len(items) else None
        return room, item

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "standard" and event.value is not Select.NULL:
            if self.standard is None or event.value != self.standard.id:
                from branchtui.domain.standards import StandardInfo

                self.standard = StandardInfo(event.value, "", "", False, ())
                self.reload()

    # --- actions ----------------------------------------------------------
    def action_toggle(self) -> None:
        room, item = self._cursor_cell()
        if item is None:
            self.app.bell()
            return
        key = (room.room_id, item.id)
        original = next(c for c in room.cells if c.item_id == item.id)
        baseline = original.inspected if original.inspected is not None else bool(original.ledger)
        self.pending[key] = not self.pending[key]
        if self.pending[key] == baseline:
            self.changed.discard(key)
        else:
            self.changed.add(key)
        self.render_matrix()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        room, item = self._cursor_cell()
        if room is None:
            return
        if item is None:
            self.action_room_detail()
            return
        from branchtui.tui.forms.equipment_form import open_ledger_record

        open_ledger_record(self, room.room_id, item.id)

    def action_filter_short(self) -> None:
        self.only_short = not self.only_short
        self.notify(_("只显示未达标的活动室") if self.only_short else _("显示全部活动室"), timeout=1.5)
        self.render_matrix()

    def action_save_round(self) -> None:
        if not self.rooms or self.standard is None:
            return
        from branchtui.tui.forms.round_form import RoundForm

        results = {r.room_id: [(c.item_id, self.pending[(r.room_id, c.item_id)]) for c in r.cells]
                   for r in self.rooms}
        self.app.push_screen(RoundForm(self.standard, results), self._round_saved)

    def unsaved_work(self) -> str | None:
        if self.changed:
            return _("本轮检查改了 {n} 处").format(n=len(self.changed))
        return None

    def _round_saved(self, saved) -> None:
        if saved:
            self.pending.clear()
            self.changed.clear()
            self.reload()

    def action_room_detail(self) -> None:
        room, _item = self._cursor_cell()
        if room is not None:
            from branchtui.tui.screens.room_detail import RoomDetailScreen

            self.app.push_screen(RoomDetailScreen(room.room_id))

    def action_export(self) -> None:
        from branchtui.tui.export import export_from

        export_from(self, "rooms", "活动室台账")

    def action_standards(self) -> None:
        from branchtui.tui.screens.standards import StandardsScreen

        self.app.push_screen(StandardsScreen())
