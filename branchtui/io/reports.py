"""The reports the office sends up, as workbooks, and the work summary as Word."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from branchtui.domain.errors import ValidationError
from branchtui.i18n import _
from branchtui.io.lists import _notes, loans_table, members_table, rooms_tables, with_committee
from branchtui.io.xlsx import Col, Table, write_workbook

ZERO = Decimal("0.00")
KINDS = {
    "roster": "党员名册", "rooms": "活动室台账", "loans": "小额担保贷款台账", "overdue": "逾期贷款清单",
    "subsidy": "贴息申报表", "targets": "122工程目标完成情况", "summary": "工作总结",
}
BY_NAME = {name: kind for kind, name in KINDS.items()}


def parse_quarter(text: str | None, as_of: dt.date) -> tuple[str, dt.date, dt.date]:
    """2026Q3 (or 2026-Q3, 2026年第3季度) → its label, first and last day."""
    if not text:
        year, q = as_of.year, (as_of.month - 1) // 3 + 1
    else:
        match = re.fullmatch(r"(\d{4})\s*(?:[-年]?\s*(?:Q|q|第)\s*([1-4])\s*(?:季度)?)", text.strip())
        if not match:
            raise ValidationError("quarter", _("季度应写成 2026Q3"))
        year, q = int(match.group(1)), int(match.group(2))
    first = dt.date(year, 3 * q - 2, 1)
    last = (dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1))
    return f"{year}Q{q}", first, last


def roster_tables(as_of: dt.date) -> list[Table]:
    from branchtui.domain.summary import town_summary

    summary = town_summary(as_of)
    counts = [(n, b.name, b.secretary, b.members, b.full, b.probationary)
              for n, b in enumerate(summary.branches, start=1)]
    by_branch = Table(_("分支部统计"), _("党员分支部统计"), [
        Col(_("序号"), "int"), Col(_("支部")), Col(_("书记")), Col(_("党员"), "int"), Col(_("正式党员"), "int"),
        Col(_("预备党员"), "int")], counts, _notes(_("截至 {d}").format(d=as_of.isoformat())),
        (_("合计"), None, None, summary.members, summary.full, summary.probationary))
    return [members_table(as_of=as_of, roster=True, title="党员名册"), by_branch]


def subsidy_tables(quarter: str | None, as_of: dt.date) -> list[Table]:
    """贴息申报表: per loan, the installments due in the quarter, those paid on
    time, their interest and the subsidy claimed (none for late ones)."""
    from branchtui.domain.access import current_role, mask_id_for
    from branchtui.domain.loans.policy import policy_on
    from branchtui.domain.loans.subsidy import subsidy_lines
    from branchtui.store.models import Borrower, Branch, Loan
    from peewee import JOIN

    label, first, last = parse_quarter(quarter, as_of)
    loans = (Loan.select(Loan, Borrower.name.alias("borrower_name"), Borrower.id_number.alias("number"),
                         Branch.name.alias("branch_name"))
             .join(Borrower, on=(Loan.borrower == Borrower.id)).switch(Loan)
             .join(Branch, JOIN.LEFT_OUTER, on=(Loan.branch == Branch.id))
             .where(Loan.disbursed.is_null(False) & (Loan.disbursed <= last))
             .order_by(Branch.id, Borrower.name_pinyin, Loan.id))
    who = current_role()
    rows = []
    totals = [ZERO, ZERO, ZERO]
    for loan in loans.objects():
        lines = [x for x in subsidy_lines(loan, last) if first <= x.due <= last]
        if not lines:
            continue
        on_time = [x for x in lines if not x.reason]
        interest = sum((x.interest for x in on_time), ZERO)
        subsidy = sum((x.subsidy for x in on_time), ZERO)
        late = [x for x in lines if x.reason == "逾期"]
        extended = [x for x in lines if x.reason == "展期"]
        why = _("、").join(filter(None, [
            _("逾期 {n} 期不贴息").format(n=len(late)) if late else "",
            _("展期内 {n} 期不贴息").format(n=len(extended)) if extended else ""]))
        rows.append([len(rows) + 1, loan.borrower_name, mask_id_for(loan.number, loan.branch_id, who=who),
                     loan.branch_name or "", loan.amount, loan.disbursed, f"{loan.annual_rate}%",
                     len(lines), len(on_time), interest, f"{policy_on(loan.applied).subsidy_percent}%", subsidy, why])
        totals[0] += loan.amount
        totals[1] += interest
        totals[2] += subsidy
    columns = [Col(_("序号"), "int"), Col(_("借款人")), Col(_("身份证号码"), "id"), Col(_("所在支部")),
               Col(_("贷款金额（元）"), "money"), Col(_("发放日期"), "date"), Col(_("年利率")),
               Col(_("本季到期期数"), "int"), Col(_("按期还款期数"), "int"), Col(_("按期还款利息（元）"), "money"),
               Col(_("贴息比例")), Col(_("申请贴息（元）"), "money"), Col(_("说明"))]
    title = _("小额担保贷款财政贴息申报表（{y}年第{q}季度）").format(y=label[:4], q=label[-1])
    notes = _notes(_("季度：{a} 至 {b}").format(a=first.isoformat(), b=last.isoformat()),
                   _("{n} 户").format(n=len(rows)))
    return [Table(_("贴息申报"), title, columns, rows, notes,
                  (_("合计"), None, None, None, totals[0], None, None, sum(r[7] for r in rows),
                   sum(r[8] for r in rows), totals[1], None, totals[2], None))]


def targets_tables(as_of: dt.date) -> list[Table]:
    from branchtui.domain.summary import town_summary
    from branchtui.domain.targets import progress

    meeting = {b.id for b in town_summary(as_of).branches if b.room_meets}
    year = as_of.year
    rows = []
    detail = []
    for p in progress(year, as_of, meeting):
        rows.append((len(rows) + 1, p.branch, p.expected, p.counted,
                     p.ratio if p.ratio is not None else None,
                     _("已完成") if p.ratio is not None and p.ratio >= 1 else _("未完成") if p.expected else _("未定目标")))
        for line in p.lines:
            detail.append((len(detail) + 1, p.branch, _(line.label), line.expected, line.actual, line.counted,
                           line.counted / line.expected if line.expected else None))
    expected = sum(r[2] for r in rows)
    counted = sum(r[3] for r in rows)
    shares = [d[5] / d[3] for d in detail if d[3]]
    mean = sum(shares) / len(shares) if shares else None  # as each branch's: every target weighs the same
    title = _("“122”工程目标完成情况（{y}年）").format(y=year)
    summary = Table(_("分支部"), title, [
        Col(_("序号"), "int"), Col(_("支部")), Col(_("目标数"), "int"), Col(_("完成数（计入）"), "int"),
        Col(_("完成率（各项平均）"), "percent"), Col(_("情况"))], rows,
        _notes(_("截至 {d}").format(d=as_of.isoformat()), _("完成率为各项目标完成比例的平均，超额不抵补")),
        (_("合计"), None, expected, counted, mean, None))
    lines = Table(_("分项目"), _("“122”工程目标分项完成情况（{y}年）").format(y=year), [
        Col(_("序号"), "int"), Col(_("支部")), Col(_("目标项目")), Col(_("目标数"), "int"), Col(_("实际完成"), "int"),
        Col(_("计入数"), "int"), Col(_("完成率"), "percent")], detail,
        _notes(_("截至 {d}").format(d=as_of.isoformat()), _("超额部分不抵补其他项目")))
    return [summary, lines]


def write_report(kind: str, path: str | Path, *, as_of: dt.date | None = None,
                 quarter: str | None = None) -> Path:
    kind = BY_NAME.get(kind, kind)
    as_of = as_of or dt.date.today()
    path = Path(path)
    if kind not in KINDS:
        raise ValidationError("kind", _("没有“{kind}”这种报表：可选 {kinds}").format(
            kind=kind, kinds=_("、").join(f"{k}（{v}）" for k, v in KINDS.items())))
    if kind == "summary":
        from branchtui.io.summary_doc import write_summary

        if path.suffix.lower() != ".docx":
            raise ValidationError("to", _("工作总结写成 Word 文件：请用 .docx 结尾的文件名"))
        return write_summary(path, as_of)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError("to", _("报表写成 Excel 文件：请用 .xlsx 结尾的文件名"))
    if kind == "roster":
        tables = roster_tables(as_of)
    elif kind == "rooms":
        tables = rooms_tables(as_of)
    elif kind == "loans":
        tables = [loans_table(as_of=as_of)]
    elif kind == "overdue":
        tables = [loans_table(as_of=as_of, overdue_only=True, title="逾期贷款清单")]
    elif kind == "subsidy":
        tables = subsidy_tables(quarter, as_of)
    else:
        tables = targets_tables(as_of)
    return write_workbook(path, with_committee(tables))
