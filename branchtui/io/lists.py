"""The app's lists as workbooks: every row that matches, not only a page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from branchtui.i18n import _
from branchtui.io.xlsx import Col, Table, write_workbook

MEMBER_COLUMNS = (
    Col("序号", "int"), Col("所在支部"), Col("姓名"), Col("性别"), Col("民族"), Col("出生日期", "date"),
    Col("身份证号码", "id"), Col("学历"), Col("入党时间", "date"), Col("转正时间", "date"), Col("人员类别"),
    Col("联系电话", "id"), Col("党籍状态"), Col("备注"),
)


def _branch_id(name: str | None) -> int | None:
    if not name:
        return None
    from branchtui.io.imports import _Branches

    from branchtui.domain.errors import ValidationError

    try:
        return _Branches(None).resolve(name)
    except ValidationError as exc:
        raise ValidationError("branch", str(exc)) from None


def _branch_name(branch_id: int | None) -> str:
    from branchtui.store.models import Branch

    return Branch.get_by_id(branch_id).name if branch_id else ""


def _notes(*parts) -> list[str]:
    from branchtui.domain.branches import committee_name

    return [committee_name(), *(p for p in parts if p)]


def with_committee(tables: list[Table]) -> list[Table]:
    """镇党委党员名册: the committee's name heads the title, as on paper."""
    from branchtui.domain.branches import committee_name

    name = committee_name()
    for table in tables:
        if not table.title.startswith(name):
            table.title = name + table.title
    return tables


def members_table(*, query: str = "", branch_id: int | None = None, as_of: dt.date | None = None,
                  roster: bool = False, title: str = "党员名单") -> Table:
    """Members matching the list's filters; ``roster``: those in good standing who had joined by as_of."""
    from branchtui.domain.access import current_role, mask_id_for
    from branchtui.domain.members import is_probationary
    from branchtui.domain.search import name_condition
    from branchtui.store.models import Branch, Member

    as_of = as_of or dt.date.today()
    select = (Member.select(Member, Branch.name.alias("branch_name"))
              .join(Branch, on=(Member.branch == Branch.id)))
    condition = name_condition(Member, query, Member.id_number, Member.phone)
    if condition is not None:
        select = select.where(condition)
    if branch_id is not None:
        select = select.where(Member.branch == branch_id)
    if roster:
        select = select.where((Member.status == "正常") & (Member.join_date <= as_of))
    who = current_role()
    rows = []
    for n, m in enumerate(select.order_by(Branch.id, Member.name_pinyin, Member.id).objects(), start=1):
        category = "预备党员" if is_probationary(m.full_date, as_of) else "正式党员"
        full = m.full_date if m.full_date and m.full_date <= as_of else None
        rows.append((n, m.branch_name, m.name, m.gender, m.ethnicity, m.birth_date,
                     mask_id_for(m.id_number, m.branch_id, who=who), m.education, m.join_date,
                     full if roster else m.full_date, category, m.phone, m.status, m.notes))
    notes = _notes(_("支部：{b}").format(b=_branch_name(branch_id)) if branch_id else "",
                   _("查找：{q}").format(q=query) if query.strip() else "",
                   _("截至 {d}").format(d=as_of.isoformat()), _("共 {n} 人").format(n=len(rows)))
    return Table(_(title), _(title), [Col(_(c.label), c.kind) for c in MEMBER_COLUMNS], rows, notes)


def borrowers_table(*, query: str = "", branch_id: int | None = None, as_of: dt.date | None = None) -> Table:
    from peewee import JOIN

    from branchtui.domain.access import current_role, mask_id_for
    from branchtui.domain.search import name_condition
    from branchtui.store.models import Borrower, Branch

    select = (Borrower.select(Borrower, Branch.name.alias("branch_name"))
              .join(Branch, JOIN.LEFT_OUTER, on=(Borrower.branch == Branch.id)))
    condition = name_condition(Borrower, query, Borrower.id_number, Borrower.phone)
    if condition is not None:
        select = select.where(condition)
    if branch_id is not None:
        select = select.where(Borrower.branch == branch_id)
    who = current_role()
    rows = [(n, b.name, mask_id_for(b.id_number, b.branch_id, who=who), b.gender, b.birth_date, b.phone,
             b.address, b.status, b.certificate_no, b.branch_name or "", b.notes)
            for n, b in enumerate(select.order_by(Borrower.name_pinyin, Borrower.id).objects(), start=1)]
    columns = [Col(_("序号"), "int"), Col(_("姓名")), Col(_("身份证号码"), "id"), Col(_("性别")),
               Col(_("出生日期"), "date"), Col(_("联系电话"), "id"), Col(_("住址")), Col(_("就业状况")),
               Col(_("再就业优惠证号"), "id"), Col(_("所在支部")), Col(_("备注"))]
    notes = _notes(_("查找：{q}").format(q=query) if query.strip() else "",
                   _("共 {n} 人").format(n=len(rows)))
    return Table(_("借款人名单"), _("借款人名单"), columns, rows, notes)


def loans_table(*, as_of: dt.date | None = None, query: str = "", state: str | None = None,
                bucket: str | None = None, branch_id: int | None = None, year: int | None = None,
                overdue_only: bool = False,
                title: str = "小额担保贷款台账") -> Table:
    from decimal import Decimal

    from branchtui.domain.loans.arrears import BUCKET_NAMES
    from branchtui.domain.loans.portfolio import loan_rows

    as_of = as_of or dt.date.today()
    rows = loan_rows(as_of, query=query, state=state, bucket=bucket, branch_id=branch_id, year=year)
    if overdue_only:
        rows = [r for r in rows if r.days_past_due > 0]
    out = [(n, r.borrower, r.branch, r.business, r.amount, r.disbursed, _(r.state), r.outstanding,
            r.overdue, r.days_past_due, _(BUCKET_NAMES.get(r.bucket, r.bucket)))
           for n, r in enumerate(rows, start=1)]
    columns = [Col(_("序号"), "int"), Col(_("借款人")), Col(_("所在支部")), Col(_("经营项目")),
               Col(_("贷款金额（元）"), "money"), Col(_("发放日期"), "date"), Col(_("状态")),
               Col(_("贷款余额（元）"), "money"), Col(_("逾期本息（元）"), "money"), Col(_("逾期天数"), "int"),
               Col(_("账龄"))]
    zero = Decimal("0.00")
    totals = (_("合计"), None, None, _("{n} 笔").format(n=len(out)), sum((r.amount for r in rows), zero), None,
              None, sum((r.outstanding for r in rows), zero), sum((r.overdue for r in rows), zero), None, None)
    notes = _notes(_("支部：{b}").format(b=_branch_name(branch_id)) if branch_id else "",
                   _("查找：{q}").format(q=query) if query.strip() else "",
                   _("状态：{s}").format(s=_(state)) if state else "",
                   _("账龄：{b}").format(b=_(BUCKET_NAMES.get(bucket, bucket))) if bucket else "",
                   _("{y}年发放").format(y=year) if year else "",
                   _("截至 {d}").format(d=as_of.isoformat()))
    return Table(_(title), _(title), columns, out, notes, totals)


def branches_table(*, query: str = "", as_of: dt.date | None = None, **_filters) -> Table:
    from branchtui.domain.branches import search_branches

    rows = [(n, b.name, b.community, b.secretary, b.members)
            for n, b in enumerate(search_branches(query), start=1)]
    columns = [Col(_("序号"), "int"), Col(_("支部")), Col(_("社区")), Col(_("书记")), Col(_("党员数"), "int")]
    totals = (_("合计"), None, None, None, sum(r[4] for r in rows))
    return Table(_("支部一览"), _("支部一览"), columns, rows,
                 _notes(_("查找：{q}").format(q=query) if query.strip() else ""), totals)


def rooms_tables(as_of: dt.date) -> list[Table]:
    from branchtui.domain.compliance import room_compliance
    from branchtui.domain.standards import current_standard
    from branchtui.store.models import Branch, Equipment, Room, StandardItem
    from peewee import JOIN

    standard = current_standard()
    items = [item.name for item in standard.items] if standard else []
    compliance = {c.room_id: c for c in room_compliance(standard, as_of=as_of)} if standard else {}
    rooms = list(Room.select(Room, Branch.name.alias("branch_name")).join(Branch).order_by(Branch.id).objects())
    rows = []
    for n, room in enumerate(rooms, start=1):
        c = compliance.get(room.id)
        marks = []
        for item in items:
            cell = next((x for x in c.cells if x.item == item), None) if c else None
            marks.append("—" if cell is None or cell.inspected is None else "✓" if cell.inspected else "✗")
        rows.append((n, room.branch_name, room.name, room.address, room.area_m2, _(room.origin), room.origin_year,
                     room.build_cost, room.manager, *marks,
                     (_("达标") if c.meets else _("未达标")) if c else _("未检查"),
                     c.last_inspected if c else None))
    title = _("党员活动室台账")
    rooms_sheet = Table(_("活动室"), title, [
        Col(_("序号"), "int"), Col(_("支部")), Col(_("活动室")), Col(_("地址")), Col(_("面积（平方米）"), "int"),
        Col(_("来源")), Col(_("建成年份"), "int"), Col(_("建设投入（元）"), "money"), Col(_("管理员")),
        *[Col(item) for item in items], Col(_("“{s}”标准").format(s=standard.name if standard else "")),
        Col(_("最近检查"), "date")], rows,
        _notes(_("标准：{s}（{items}）").format(s=standard.name, items=_("、").join(items)) if standard else "",
               _("达标 {n}/{m} 个").format(n=sum(1 for c in compliance.values() if c.meets), m=len(rooms)),
               _("截至 {d}").format(d=as_of.isoformat())),
        (_("合计"), None, _("{n} 个").format(n=len(rooms)), None, sum(r.area_m2 or 0 for r in rooms), None, None,
         sum((r.build_cost for r in rooms), Decimal("0.00")), None, *[None] * len(items), None, None))
    pieces = list(Equipment.select(Equipment, Room.name.alias("room_name"), Branch.name.alias("branch_name"),
                                   StandardItem.name.alias("item_name"))
                  .join(Room).join(Branch).switch(Equipment)
                  .join(StandardItem, JOIN.LEFT_OUTER, on=(Equipment.item == StandardItem.id))
                  .order_by(Branch.id, Equipment.id).objects())
    equipment = Table(_("设备台账"), _("党员活动室设备台账"), [
        Col(_("序号"), "int"), Col(_("所在支部")), Col(_("活动室")), Col(_("设备名称")), Col(_("标准项目")),
        Col(_("资产编号"), "id"), Col(_("购置日期"), "date"), Col(_("金额（元）"), "money"), Col(_("资金来源")),
        Col(_("状况")), Col(_("备注"))],
        [(n, p.branch_name, p.room_name, p.name, p.item_name or "", p.asset_no, p.purchase_date, p.cost,
          p.funding, p.condition, p.notes) for n, p in enumerate(pieces, start=1)],
        _notes(_("截至 {d}").format(d=as_of.isoformat()), _("共 {n} 件").format(n=len(pieces))),
        (_("合计"), None, None, _("{n} 件").format(n=len(pieces)), None, None, None,
         sum((p.cost for p in pieces), Decimal("0.00")), None, None, None))
    return [rooms_sheet, equipment]


def export_list(kind: str, path: str | Path, *, query: str = "", branch: str | None = None,
                as_of: dt.date | None = None, **filters) -> Path:
    """The list ``kind`` with the filters it shows on screen, written to ``path``."""
    branch_id = filters.pop("branch_id", None) or (_branch_id(branch) if isinstance(branch, str) else branch)
    if kind == "members":
        tables = [members_table(query=query, branch_id=branch_id, as_of=as_of)]
    elif kind == "borrowers":
        tables = [borrowers_table(query=query, branch_id=branch_id, as_of=as_of)]
    elif kind == "loans":
        tables = [loans_table(as_of=as_of, query=query, branch_id=branch_id, **filters)]
    elif kind == "branches":
        tables = [branches_table(query=query)]
    elif kind == "rooms":

        tables = rooms_tables(as_of or dt.date.today())
    else:
        from branchtui.domain.errors import ValidationError

        raise ValidationError("list", _("没有名为“{kind}”的列表").format(kind=kind))
    return write_workbook(path, with_committee(tables))
