"""活动室详情: the room, its ledger, inspection history, rules and money spent."""

from __future__ import annotations

from decimal import Decimal

from textual.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar


def yuan(amount) -> str:
    return f"{amount:,.2f}"


class RoomDetailScreen(DataScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("返回"), id="room.back"),
        Binding("ctrl+o", "edit_room", _("编辑活动室"), id="room.edit"),
        Binding("ctrl+n", "new_equipment", _("登记设备"), id="room.new_equipment"),
        Binding("f9", "new_rule", _("登记制度"), id="room.new_rule"),
        Binding("f8", "new_inspection", _("新增检查"), id="room.new_inspection"),
    ]

    def __init__(self, room_id: int) -> None:
        super().__init__()
        self.room_id = room_id
        self.loaded = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="room-info")
        with TabbedContent(id="tabs"):
            with TabPane(_("设备台账"), id="tab-ledger"):
                ledger = Table(id="ledger", cursor_type="row", zebra_stripes=True)
                for key, label in (("item", "标准项目"), ("name", "设备"), ("asset", "编号"),
                                   ("date", "购置"), ("cost", "金额（元）"), ("condition", "状况")):
                    ledger.add_column(_(label), key=key)
                yield ledger
            with TabPane(_("检查记录"), id="tab-inspections"):
                history = Table(id="history", cursor_type="row", zebra_stripes=True)
                for key, label in (("date", "日期"), ("inspector", "检查人"), ("standard", "标准"),
                                   ("score", "达标"), ("failed", "不达标项")):
                    history.add_column(_(label), key=key)
                yield history
            with TabPane(_("制度"), id="tab-rules"):
                rules = Table(id="rules", cursor_type="row", zebra_stripes=True)
                for key, label in (("name", "制度"), ("adopted", "制定日期"), ("posted", "上墙")):
                    rules.add_column(_(label), key=key)
                yield rules
        yield KeyBar()

    def reload(self) -> None:
        from branchtui.domain.compliance import room_compliance
        from branchtui.domain.equipment import ledger
        from branchtui.domain.inspections import history
        from branchtui.domain.room_rules import rules_of
        from branchtui.domain.rooms import get_room

        room_id, today = self.room_id, self.app.today

        def job():
            room = get_room(room_id)
            compliance = room_compliance(as_of=today, room_id=room_id)
            return (room, room.branch.name, compliance[0] if compliance else None,
                    ledger(room_id), history(room_id), rules_of(room_id))

        run_db(self, job, self.show)

    def show(self, loaded) -> None:
        self.loaded = loaded
        room, branch, compliance, pieces, inspections, rules = loaded
        self.sub_title = f"{branch} · {room.name}"
        equipment_cost = sum((p.cost for p in pieces), start=Decimal(0))
        tags = _("、").join(t for t in room.tags.split(",") if t)
        lines = [
            f"[b]{escape(room.name)}[/b]  {escape(branch)}  {escape(room.address)}  "
            + (f"{room.area_m2}㎡  " if room.area_m2 else "")
            + _("{origin}{year}").format(origin=_(room.origin),
                                          year=f"（{room.origin_year}）" if room.origin_year else ""),
            _("投入：建设 {build} 元 + 设备 {equip} 元 = {total:.2f} 万元").format(
                build=yuan(room.build_cost), equip=yuan(equipment_cost),
                total=(room.build_cost + equipment_cost) / 10000)
            + (f"  {_('用途')}：{escape(tags)}" if tags else ""),
        ]
        if compliance is None:
            lines.append(_("尚无标准"))
        elif compliance.last_inspected is None:
            lines.append(_("尚未检查"))
        else:
            status = _("达标") if compliance.meets else _("缺：{items}").format(items=escape(_("、").join(compliance.missing)))
            lines.append(_("最近检查 {date}：{status}").format(date=compliance.last_inspected.isoformat(),
                                                              status=status))
            if compliance.disagreements:
                lines[-1] += "  [yellow]" + _("与台账不符：{items}").format(
                    items=escape(_("、").join(compliance.disagreements))) + "[/]"
        self.query_one("#room-info", Static).update("\n".join(lines))
        with self.app.batch_update():
            table = self.query_one("#ledger", DataTable)
            table.clear()
            for p in pieces:
                table.add_row(p.item.name if p.item_id else "—", p.name, p.asset_no,
                              p.purchase_date.isoformat() if p.purchase_date else "", yuan(p.cost),
                              _(p.condition), key=str(p.id))
            table = self.query_one("#history", DataTable)
            table.clear()
            for i in inspections:
                table.add_row(i.date.isoformat(), i.inspector, i.standard, f"{i.passed}/{i.total}",
                              _("、").join(i.failed_items) or "—", key=str(i.id))
            table = self.query_one("#rules", DataTable)
            table.clear()
            for r in rules:
                table.add_row(r.name, r.adopted.isoformat() if r.adopted else "",
                              _("是") if r.posted else _("否"), key=str(r.id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        record = int(event.row_key.value)
        if event.data_table.id == "ledger":
            from branchtui.tui.forms.equipment_form import EquipmentForm

            self.app.push_screen(EquipmentForm(record))
        elif event.data_table.id == "rules":
            from branchtui.tui.forms.rule_form import RuleForm

            self.app.push_screen(RuleForm(record))

    def action_edit_room(self) -> None:
        from branchtui.tui.forms.room_form import RoomForm

        self.app.push_screen(RoomForm(self.room_id))

    def action_new_equipment(self) -> None:
        from branchtui.tui.forms.equipment_form import EquipmentForm

        self.app.push_screen(EquipmentForm(initial={"room": str(self.room_id)}))

    def action_new_rule(self) -> None:
        from branchtui.tui.forms.rule_form import RuleForm

        self.app.push_screen(RuleForm(initial={"room": str(self.room_id)}))

    def action_new_inspection(self) -> None:
        if self.loaded is None or self.loaded[2] is None:
            self.notify(_("尚无标准，请先在“标准管理”中建立"), severity="warning")
            return
        from branchtui.domain.standards import current_standard
        from branchtui.tui.forms.inspection_form import InspectionForm

        compliance = self.loaded[2]
        ledger = {c.item_id: bool(c.ledger) for c in compliance.cells}
        run_db(self, current_standard,
               lambda standard: self.app.push_screen(InspectionForm(self.room_id, standard, ledger)),
               group="inspection-open")
