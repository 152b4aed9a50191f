"""支部与党员: search as you type over branches and members."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Label, Static

from branchtui.i18n import _
from branchtui.tui.background import run_db
from branchtui.tui.screens.base import DataScreen
from branchtui.tui.widgets.inputs import QuietInput
from branchtui.tui.widgets.table import Table
from branchtui.tui.widgets.keybar import KeyBar

PAGE = 200


class BranchesScreen(DataScreen):
    BINDINGS = [
        Binding("ctrl+f", "find", _("查找"), id="branches.find"),
        Binding("ctrl+n", "new_member", _("新增党员"), id="branches.new_member"),
        Binding("f9", "new_branch", _("新增支部"), id="branches.new_branch"),
        Binding("ctrl+o", "edit", _("编辑"), id="branches.edit"),
        Binding("ctrl+r", "room", _("活动室"), id="branches.room"),
        # priority: a focused search box would take Ctrl+E as "end of line".
        # Not in the footer: at 80 columns it pushed 退出 off; F1 and the palette list it.
        Binding("ctrl+e", "export", _("导出"), id="branches.export", priority=True, show=False),
        Binding("f10", "import", _("导入"), id="branches.import"),
        Binding("escape", "clear_search", _("清除查找"), id="branches.clear", show=False),
        Binding("f8", "more_members", _("更多党员"), id="branches.more", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-row"):
            yield Label(_("查找"))
            yield QuietInput(placeholder=_("支部、社区、书记或党员：汉字、全拼或首字母，如 jm、zcf"),
                             id="search", compact=True)
        yield Static(_("支部"), classes="section-title", id="branches-title")
        branches = Table(id="branches", cursor_type="row", zebra_stripes=True)
        branches.add_column(_("支部"), key="name")
        branches.add_column(_("社区"), key="community")
        branches.add_column(_("书记"), key="secretary")
        branches.add_column(_("党员"), key="members")
        yield branches
        yield Static(_("党员"), classes="section-title", id="members-title")
        members = Table(id="members", cursor_type="row", zebra_stripes=True)
        for key, label in (("name", "姓名"), ("gender", "性别"), ("branch", "支部"),
                           ("kind", "类别"), ("join", "入党日期"), ("id", "身份证号码")):
            members.add_column(_(label), key=key)
        yield members
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("支部与党员")

    # --- search -----------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            table = self.query_one("#branches" if self.query_one("#branches", DataTable).row_count
                                   else "#members", DataTable)
            table.focus()

    def reload(self) -> None:
        from branchtui.domain.branches import search_branches
        from branchtui.domain.members import search_members

        query = self.query_one("#search", Input).value
        self._generation = getattr(self, "_generation", 0) + 1  # pages asked for before are stale

        def job():
            return search_branches(query), search_members(query, limit=PAGE)

        # exclusive: a newer keystroke cancels the older search.
        run_db(self, job, self.show_results, group="branches-search")

    def show_results(self, results) -> None:
        branch_rows, member_rows = results
        with self.app.batch_update():
            branches = self.query_one("#branches", DataTable)
            branches.clear()
            for b in branch_rows:
                branches.add_row(b.name, b.community, b.secretary or _("（未设）"), str(b.members),
                                 key=str(b.id))
            self.query_one("#members", DataTable).clear()
            self._add_members(member_rows)
        self.query_one("#branches-title", Static).update(
            _("支部（{n}）").format(n=len(branch_rows)))

    def _add_members(self, rows) -> None:
        """One page more of the members list: the list is paged in SQL, a district has 20,000."""
        today = self.app.today
        members = self.query_one("#members", DataTable)
        for m in rows:
            kind = _("预备") if m.probationary(today) else _("正式")
            if m.status != "正常":
                kind = _(m.status)
            members.add_row(m.name, _(m.gender), m.branch_name, kind, m.join_date.isoformat(),
                            m.id_masked, key=str(m.id))
        self._more = len(rows) >= PAGE
        self.query_one("#members-title", Static).update(
            _("党员（{n}{more}）· Enter 编辑").format(n=members.row_count, more="+" if self._more else ""))

    def action_more_members(self) -> None:
        if not getattr(self, "_more", False):
            return
        from branchtui.domain.members import search_members

        self._more = False  # one page at a time
        query, offset = self.query_one("#search", Input).value, self.query_one("#members", DataTable).row_count
        generation = getattr(self, "_generation", 0)

        def arrived(rows) -> None:
            # A page of an older search (or one already overtaken) is dropped, not appended.
            if generation == getattr(self, "_generation", 0) and \
                    offset == self.query_one("#members", DataTable).row_count:
                self._add_members(rows)

        run_db(self, lambda: search_members(query, limit=PAGE, offset=offset), arrived,
               group="members-page")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Scrolling past the last row fetches the next page.
        if event.data_table.id == "members" and event.cursor_row >= event.data_table.row_count - 1:
            self.action_more_members()

    # --- selection ----------------------------------------------------------
    def _selected(self, table_id: str) -> int | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "branches":
            from branchtui.tui.screens.branch_detail import BranchDetailScreen

            self.app.push_screen(BranchDetailScreen(int(event.row_key.value)))
        else:
            self._edit_member(int(event.row_key.value))

    # --- actions ----------------------------------------------------------
    def action_find(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
        search.focus()

    def action_new_member(self) -> None:
        from branchtui.tui.forms.member_form import MemberForm

        branch = self._selected("branches")
        initial = {"branch": str(branch)} if branch else {}
        self.app.push_screen(MemberForm(initial=initial))

    def action_new_branch(self) -> None:
        from branchtui.tui.forms.branch_form import BranchForm

        self.app.push_screen(BranchForm())

    def action_edit(self) -> None:
        if self.focused is self.query_one("#members", DataTable):
            member_id = self._selected("members")
            if member_id is not None:
                self._edit_member(member_id)
            return
        branch_id = self._selected("branches")
        if branch_id is not None:
            from branchtui.tui.forms.branch_form import BranchForm

            self.app.push_screen(BranchForm(branch_id))

    def action_room(self) -> None:
        branch_id = self._selected("branches")
        if branch_id is not None:
            from branchtui.tui.screens.branch_detail import open_room

            open_room(self, branch_id)

    def action_export(self) -> None:
        from branchtui.tui.export import export_from

        query = self.query_one("#search", Input).value
        if self.focused is self.query_one("#branches", DataTable):
            export_from(self, "branches", "支部一览", query=query)
        else:
            export_from(self, "members", "党员名单", query=query)

    def action_import(self) -> None:
        from branchtui.tui.screens.import_preview import ImportPreviewScreen

        self.app.push_screen(ImportPreviewScreen("members"))

    def _edit_member(self, member_id: int) -> None:
        from branchtui.tui.forms.member_form import MemberForm

        self.app.push_screen(MemberForm(member_id))
