"""A health check of the open database: the file, then the records' own rules.

SQLite's ``integrity_check`` and ``foreign_key_check`` first (other engines
keep those promises themselves), then what the domain promises and a
database cannot enforce: dates that follow the rules, a secretary in their
own branch, loan states that agree with their records, reversals that are
exact opposites, summary figures equal to plain counts, one current
standard, inspection results against their own standard's items, and the
audit trail's hash chain (the first row that does not match is named).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from peewee import JOIN, SqliteDatabase

from branchtui.domain.loans.service import (ACTIVE, APPLIED, APPROVED, EXTENDED, PAID_OUT, RECOVERING,
                                            SETTLED, STATES, WITHDRAWN, WRITTEN_OFF)
from branchtui.domain.members import MIN_JOIN_AGE, PROBATION_YEARS, add_years
from branchtui.i18n import _
from branchtui.store.db import database
from branchtui.store.models import (Branch, Inspection, InspectionResult, Loan, LoanEvent, Member,
                                    Repayment, Room, Standard, StandardItem)

MAX_LISTED = 20  # rows of one SQLite pragma listed before "……"
DISBURSED_STATES = (ACTIVE, EXTENDED, SETTLED, PAID_OUT, RECOVERING, WRITTEN_OFF)
APPROVED_STATES = (APPROVED,) + DISBURSED_STATES
AFTER_PAYOUT = (PAID_OUT, RECOVERING, WRITTEN_OFF)


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _member(name, member_id) -> str:
    return _("党员“{name}”（编号 {id}）").format(name=name, id=member_id)


def _loan(loan_id) -> str:
    return _("贷款 #{id}").format(id=loan_id)


def _sqlite_checks() -> list[str]:
    if not isinstance(database.obj, SqliteDatabase):
        return []
    out = []
    rows = [r[0] for r in database.execute_sql("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        out += [_("数据库文件完整性检查未通过：{row}").format(row=row) for row in rows[:MAX_LISTED]]
        if len(rows) > MAX_LISTED:
            out.append(_("……另有 {n} 处").format(n=len(rows) - MAX_LISTED))
    fk = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    for table, rowid, parent, _fkid in fk[:MAX_LISTED]:
        out.append(_("外键不一致：表 {table} 第 {row} 行引用的 {parent} 记录不存在").format(
            table=table, row=rowid, parent=parent))
    if len(fk) > MAX_LISTED:
        out.append(_("……另有 {n} 处").format(n=len(fk) - MAX_LISTED))
    return out


def _members() -> list[str]:
    out = []
    rows = Member.select(Member.id, Member.name, Member.birth_date, Member.join_date,
                         Member.full_date).order_by(Member.id).tuples()
    for member_id, name, birth, join, full in rows:
        who = _member(name, member_id)
        if birth and join and join < add_years(birth, MIN_JOIN_AGE):
            out.append(_("{who}：入党日期 {join} 时未满 {n} 周岁（出生于 {birth}）").format(
                who=who, join=join.isoformat(), n=MIN_JOIN_AGE, birth=birth.isoformat()))
        if full and join and full < add_years(join, PROBATION_YEARS):
            out.append(_("{who}：转正日期 {full} 距入党日期 {join} 不足一年预备期").format(
                who=who, full=full.isoformat(), join=join.isoformat()))
    return out


def _secretaries() -> list[str]:
    out = []
    Secretary = Member.alias()
    rows = (Branch.select(Branch.id, Branch.name, Branch.secretary, Secretary.id, Secretary.name,
                          Secretary.branch, Secretary.status)
            .join(Secretary, JOIN.LEFT_OUTER, on=(Branch.secretary == Secretary.id))
            .where(Branch.secretary.is_null(False))
            .order_by(Branch.id).tuples())
    for branch_id, branch, secretary_id, member_id, name, member_branch, status in rows:
        if member_id is None:
            out.append(_("支部“{branch}”的书记（党员编号 {id}）不存在").format(branch=branch, id=secretary_id))
        elif member_branch != branch_id:
            out.append(_("支部“{branch}”的书记{who}不是本支部的党员").format(
                branch=branch, who=_member(name, member_id)))
        elif status != "正常":
            out.append(_("支部“{branch}”的书记{who}已不是在册党员（{status}）").format(
                branch=branch, who=_member(name, member_id), status=_(status)))
    return out


def _fen_sums(sql: str) -> dict[int, tuple]:
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in database.execute_sql(sql).fetchall()}


def _loans() -> list[str]:
    out = []
    repayment, loan_event = Repayment._meta.table_name, LoanEvent._meta.table_name
    paid = _fen_sums(f"SELECT loan_id, SUM(principal), SUM(interest) FROM {repayment} GROUP BY loan_id")
    events = defaultdict(lambda: [0, 0])
    for loan_id, kind, amount in database.execute_sql(
            f"SELECT loan_id, kind, SUM(amount) FROM {loan_event} WHERE kind IN (%s, %s) "
            f"GROUP BY loan_id, kind" % (database.param, database.param), (PAID_OUT, RECOVERING)):
        events[loan_id][0 if kind == PAID_OUT else 1] += int(amount or 0)
    loans = database.execute_sql(
        f"SELECT id, state, amount, approved, disbursed FROM {Loan._meta.table_name} ORDER BY id").fetchall()
    for loan_id, state, amount, approved, disbursed in loans:
        amount = int(amount or 0)
        principal, _interest = paid.get(loan_id, (0, 0))
        paid_out, recovered = events.get(loan_id, (0, 0))
        who = _loan(loan_id)
        if state not in STATES:
            out.append(_("{who}：状态“{state}”不是已知的贷款状态").format(who=who, state=state))
            continue
        if state in DISBURSED_STATES and not disbursed:
            out.append(_("{who}：状态为“{state}”，却没有发放日期").format(who=who, state=_(state)))
        if state in APPROVED_STATES and not approved:
            out.append(_("{who}：状态为“{state}”，却没有审批日期").format(who=who, state=_(state)))
        if state in (APPLIED, APPROVED, WITHDRAWN) and disbursed:
            out.append(_("{who}：状态为“{state}”，却有发放日期 {d}").format(who=who, state=_(state), d=disbursed))
        if state in (APPLIED, APPROVED, WITHDRAWN) and loan_id in paid:
            out.append(_("{who}：尚未发放（{state}），却有还款记录").format(who=who, state=_(state)))
        if principal > amount:
            out.append(_("{who}：已还本金 {p} 元超过贷款金额 {a} 元").format(
                who=who, p=_yuan(principal), a=_yuan(amount)))
        if state in AFTER_PAYOUT and paid_out <= 0:
            out.append(_("{who}：状态为“{state}”，却没有代偿记录").format(who=who, state=_(state)))
        if state == SETTLED and principal < amount:
            if paid_out <= 0:
                out.append(_("{who}：已结清，但尚欠本金 {o} 元（未代偿）").format(
                    who=who, o=_yuan(amount - principal)))
            elif recovered < paid_out:
                out.append(_("{who}：已结清，但代偿款 {p} 元只追回 {r} 元").format(
                    who=who, p=_yuan(paid_out), r=_yuan(recovered)))
    return out


def _reversals() -> list[str]:
    out = []
    table = Repayment._meta.table_name
    rows = database.execute_sql(
        f"SELECT r.id, r.loan_id, r.principal, r.interest, o.id, o.loan_id, o.principal, o.interest, "
        f"o.reverses_id FROM {table} r LEFT OUTER JOIN {table} o ON o.id = r.reverses_id "
        f"WHERE r.reverses_id IS NOT NULL ORDER BY r.id").fetchall()
    reversed_count: dict[int, int] = defaultdict(int)
    for rid, loan_id, p, i, oid, oloan, op, oi, oreverses in rows:
        who = _("还款记录 #{id}（{loan}）").format(id=rid, loan=_loan(loan_id))
        if oid is None:
            continue  # a dangling reference: foreign_key_check reports it
        reversed_count[oid] += 1
        if oloan != loan_id:
            out.append(_("{who}冲正的是另一笔贷款（{other}）的还款 #{oid}").format(
                who=who, other=_loan(oloan), oid=oid))
        if int(p) != -int(op) or int(i) != -int(oi):
            out.append(_("{who}不是所冲正还款 #{oid} 的相反数：冲正本金 {p} 元、利息 {i} 元，"
                         "原为本金 {op} 元、利息 {oi} 元").format(
                who=who, oid=oid, p=_yuan(int(p)), op=_yuan(int(op)), i=_yuan(int(i)), oi=_yuan(int(oi))))
        if oreverses is not None:
            out.append(_("{who}冲正的是一笔冲正记录 #{oid}").format(who=who, oid=oid))
    for oid, n in sorted(reversed_count.items()):
        if n > 1:
            out.append(_("还款记录 #{id} 被冲正了 {n} 次").format(id=oid, n=n))
    return out


def _summary(as_of: dt.date) -> list[str]:
    from branchtui.domain.summary import town_summary

    figures = town_summary(as_of).to_json()
    counted = Member.select().where((Member.status == "正常") & (Member.join_date <= as_of))
    total = counted.count()
    full = counted.where(Member.full_date.is_null(False) & (Member.full_date <= as_of)).count()
    expected = {"total": total, "full": full, "probationary": total - full}
    out = []
    labels = {"total": "党员总数", "full": "正式党员", "probationary": "预备党员"}
    for key, label in labels.items():
        if figures["members"][key] != expected[key]:
            out.append(_("汇总的{label} {a} 与逐条计数 {b} 不符").format(
                label=_(label), a=figures["members"][key], b=expected[key]))
    branches = Branch.select().count()
    if figures["branches"] != branches:
        out.append(_("汇总的支部数 {a} 与逐条计数 {b} 不符").format(a=figures["branches"], b=branches))
    rooms = Room.select().count()
    if figures["rooms"]["total"] != rooms:
        out.append(_("汇总的活动室数 {a} 与逐条计数 {b} 不符").format(a=figures["rooms"]["total"], b=rooms))
    return out


def _standards() -> list[str]:
    current = [name for (name,) in Standard.select(Standard.name).where(Standard.is_current == True)  # noqa: E712
               .order_by(Standard.id).tuples()]
    if len(current) > 1:
        return [_("同时有 {n} 个现行标准：{names}（只能有一个）").format(n=len(current), names="、".join(current))]
    return []


def _inspections() -> list[str]:
    rows = (InspectionResult.select(InspectionResult.id, Inspection.id, Inspection.standard,
                                    StandardItem.name, StandardItem.standard)
            .join(Inspection, on=(InspectionResult.inspection == Inspection.id))
            .switch(InspectionResult)
            .join(StandardItem, on=(InspectionResult.item == StandardItem.id))
            .where(StandardItem.standard != Inspection.standard)
            .order_by(InspectionResult.id).tuples())
    return [_("检查 #{iid} 的结果 #{rid}：项目“{item}”属于另一个标准（#{other}），不属于本次检查的标准（#{own}）").format(
        iid=iid, rid=rid, item=item, other=other, own=own) for rid, iid, own, item, other in rows]


def _audit_chain() -> list[str]:
    from branchtui.domain.audit import verify_chain

    report = verify_chain()
    if report.first_bad is None:
        return []
    return [_("审计记录 #{id} 与哈希链不符：该行或其前一行在写入后被改动或删除（共核对 {n} 行）").format(
        id=report.first_bad, n=report.rows)]


CHECKS = (
    ("党员日期", _members),
    ("支部书记", _secretaries),
    ("贷款状态", _loans),
    ("还款冲正", _reversals),
    ("现行标准", _standards),
    ("检查结果", _inspections),
    ("审计链", _audit_chain),
)


def check_database(as_of: dt.date | None = None) -> list[str]:
    """Problems found in the open database, in Chinese; an empty list when all is well."""
    as_of = as_of or dt.date.today()
    problems: list[str] = []
    try:
        problems += _sqlite_checks()
    except Exception as exc:  # a file too damaged to check is itself the finding
        return problems + [_("数据库文件检查无法完成：{e}").format(e=exc)]
    for label, check in CHECKS + (("汇总数字", lambda: _summary(as_of)),):
        try:
            problems += check()
        except Exception as exc:
            problems.append(_("检查“{label}”时出错：{e}").format(label=_(label), e=exc))
    return problems
