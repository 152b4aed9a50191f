"""The import, export and report commands. Parsers here are light (no
domain import); the bodies import what they need when they run."""

from __future__ import annotations

import sys

from branchtui.i18n import _

REPORTS = {
    "roster": "党员名册", "rooms": "活动室台账", "loans": "小额担保贷款台账", "overdue": "逾期贷款清单",
    "subsidy": "贴息申报表", "targets": "122工程目标完成情况", "summary": "工作总结",
}
LISTS = {"members": "党员名单", "borrowers": "借款人名单", "loans": "贷款台账", "branches": "支部一览",
         "rooms": "活动室一览"}


def add_parsers(sub, common, date_arg) -> None:
    imp = sub.add_parser("import", parents=[common],
                         help=_("导入 Excel/CSV 台账：members 党员、borrowers 借款人、equipment 设备、loans 贷款"))
    imp.add_argument("kind", choices=("members", "borrowers", "equipment", "loans"))
    imp.add_argument("file", metavar="FILE", help=_(".xlsx、.xls、.ods 或 .csv（UTF-8 或 GB18030）"))
    imp.add_argument("--branch", help=_("文件中没有“所在支部”一列时，全部记入这个支部"))
    imp.add_argument("--dry-run", action="store_true", help=_("只检查，不写入"))
    imp.add_argument("--skip-bad", action="store_true",
                     help=_("只导入正确的行，错误的行连同原因写入 FILE.errors.xlsx"))
    exp = sub.add_parser("export", parents=[common], help=_("把列表导出为 .xlsx（全部符合条件的行）"))
    exp.add_argument("list", choices=tuple(LISTS))
    exp.add_argument("--to", required=True, metavar="FILE.xlsx")
    exp.add_argument("--query", default="", help=_("姓名、拼音或首字母"))
    exp.add_argument("--branch", help=_("只导出这个支部"))
    exp.add_argument("--as-of", type=date_arg, help=_("截至日期（默认今天）"))
    rep = sub.add_parser("report", parents=[common], help=_("上报报表：{kinds}").format(
        kinds=_("、").join(f"{k} {_(v)}" for k, v in REPORTS.items())))
    rep.add_argument("report_kind", metavar="KIND", help=" | ".join(REPORTS))
    rep.add_argument("--to", required=True, metavar="FILE", help=_(".xlsx；summary 为 .docx"))
    rep.add_argument("--as-of", type=date_arg, help=_("截至日期（默认今天）"))
    rep.add_argument("--quarter", help=_("贴息申报的季度，如 2026Q3（默认本季度）"))


def _progress(label: str):
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   transient=True)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


def _with_progress(label, work):
    bar, update = _progress(label)
    if bar is None:
        return work(None)
    with bar:
        return work(update)


def cmd_import(args) -> int:
    from branchtui.domain.errors import DomainError
    from branchtui.io.imports import ERROR, apply_import, plan_import

    try:
        plan = _with_progress(_("检查"), lambda p: plan_import(args.kind, args.file, branch=args.branch,
                                                               progress=p))
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(_("读取“{sheet}”，表头在第 {line} 行，识别的列：{cols}").format(
        sheet=plan.sheet, line=plan.header_line,
        cols=_("、").join(c.label for c in plan.columns.values())))
    if plan.unknown:
        print(_("未识别的列（没有导入）：{cols}").format(cols=_("、").join(plan.unknown)))
    for row in plan.rows:
        if row.status == ERROR:
            print(_("第 {line} 行 {reason}").format(line=row.line, reason=row.reason))
    counts = plan.counts
    print(_("新增 {new}，更新 {upd}，不变 {same}，错误 {bad}").format(
        new=counts["新增"], upd=counts["更新"], same=counts["不变"], bad=counts["错误"]))
    if args.dry_run:
        print(_("试运行：未写入任何数据"))
        return 1 if plan.bad else 0
    try:
        outcome = _with_progress(_("导入"), lambda p: apply_import(plan, skip_bad=args.skip_bad, progress=p))
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(_("已导入：新增 {new}，更新 {upd}，不变 {same}").format(
        new=outcome.created, upd=outcome.updated, same=outcome.unchanged))
    if outcome.errors_file:
        print(_("跳过 {n} 行错误，已写入 {path}（改正后可直接重新导入）").format(
            n=outcome.skipped, path=outcome.errors_file))
    return 0


def cmd_export(args) -> int:
    from branchtui.domain.errors import DomainError
    from branchtui.io.lists import export_list

    try:
        path = export_list(args.list, args.to, query=args.query, branch=args.branch, as_of=args.as_of)
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(_("已导出到 {path}").format(path=path))
    return 0


def cmd_report(args) -> int:
    from branchtui.domain.errors import DomainError
    from branchtui.io.reports import write_report

    try:
        path = write_report(args.report_kind, args.to, as_of=args.as_of, quarter=args.quarter)
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(_("已生成 {path}").format(path=path))
    return 0
