"""支部详情: a branch, its room and its members."""

from __future__ import annotations

from textual.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar


def open_room(screen: DataScreen, branch_id: int) -> None:
    """The branch's room in detail, or the form to register one when it has none."""
    from branchtui.domain.rooms import room_of_branch

    def opened(room) -> None:
        if room is None:
            from branchtui.tui.forms.room_form import RoomForm

            screen.app.push_screen(RoomForm(initial={"branch": str(branch_id)}))
        else:
            from branchtui.tui.screens.room_detail import RoomDetailScreen

            screen.app.push_screen(RoomDetailScreen(room.id))

    run_db(screen, lambda: room_of_branch(branch_id), opened, group="room-open")


class BranchDetailScreen(DataScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", _("返回"), id="detail.back"),
        Binding("ctrl+o", "edit_branch", _("编辑支部"), id="detail.edit"),
        Binding("ctrl+n", "new_member", _("新增党员"), id="detail.new_member"),
        Binding("ctrl+r", "room", _("活动室"), id="detail.room"),
        Binding("ctrl+e", "export", _("导出"), id="detail.export", priority=True),
    ]

    def __init__(self, branch_id: int) -> None:
        super().__init__()
        self.branch_id = branch_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="branch-info")
        yield Static(_("党员 · Enter 编辑"), classes="section-title", id="members-title")
        table = Table(id="members", cursor_type="row", zebra_stripes=True)
        for key, label in (("name", "姓名"), ("gender", "性别"), ("birth", "出生日期"),
                           ("kind", "类别"), ("join", "入党日期"), ("phone", "手机号码")):
            table.add_column(_(label), key=key)
        yield table
        yield KeyBar()

    def reload(self) -> None:
        from branchtui.domain.branches import get_branch
        from branchtui.domain.members import search_members
        from branchtui.domain.rooms import room_of_branch

        branch_id = self.branch_id

        def job():
            branch = get_branch(branch_id)
            secretary = branch.secretary.name if branch.secretary_id else ""
            return branch, secretary, room_of_branch(branch_id), search_members(branch_id=branch_id, limit=1000)

        run_db(self, job, self.show)

    def show(self, loaded) -> None:
        branch, secretary, room, members = loaded
        today = self.app.today
        self.sub_title = branch.name
        full = sum(1 for m in members if m.status == "正常" and not m.probationary(today))
        active = sum(1 for m in members if m.status == "正常")
        lines = [
            f"[b]{escape(branch.name)}[/b]  {escape(branch.community)}  "
            + _("书记：{name}").format(name=escape(secretary) if secretary else _("（未设）"))
            + "  " + _("电话：{phone}").format(phone=escape(branch.phone) if branch.phone else "—"),
            _("成立：{date}  党员 {n} 人（正式 {full}，预备 {prob}）").format(
                date=branch.founded.isoformat() if branch.founded else "—", n=active, full=full,
                prob=active - full),
        ]
        if room:
            area = f"{room.area_m2}㎡" if room.area_m2 else ""
            lines.append(_("活动室：{name} {area} {address}  管理员 {manager}").format(
                name=escape(room.name), area=area, address=escape(room.address),
                manager=escape(room.manager) if room.manager else "—"))
        else:
            lines.append(_("活动室：尚未登记（Ctrl+R 登记）"))
        self.query_one("#branch-info", Static).update("\n".join(lines))
        table = self.query_one("#members", DataTable)
        cursor = table.cursor_row
        with self.app.batch_update():
            table.clear()
            for m in members:
                kind = _(m.status) if m.status != "正常" else (
                    _("预备") if m.probationary(today) else _("正式"))
                table.add_row(m.name, _(m.gender), m.birth_date.isoformat(), kind,
                              m.join_date.isoformat(), m.phone, key=str(m.id))
            if members:
                table.move_cursor(row=min(cursor, len(members) - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from branchtui.tui.forms.member_form import MemberForm

        self.app.push_screen(MemberForm(int(event.row_key.value)))

    def action_edit_branch(self) -> None:
        from branchtui.tui.forms.branch_form import BranchForm

        self.app.push_screen(BranchForm(self.branch_id))

    def action_new_member(self) -> None:
        from branchtui.tui.forms.member_form import MemberForm

        self.app.push_screen(MemberForm(initial={"branch": str(self.branch_id)}))

    def action_export(self) -> None:
        from branchtui.tui.export import export_from

        export_from(self, "members", "党员名单", branch=self.branch_id)

    def action_room(self) -> None:
        open_room(self, self.branch_id)
