"""Command line. Arguments are parsed before anything heavy is imported, so
``--help``, ``summary`` and maintenance commands start fast and never load
the TUI."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from branchtui import __version__
from branchtui.i18n import _, set_language


def _date_arg(text: str) -> dt.date:
    from branchtui.domain.errors import ValidationError
    from branchtui.domain.parse import parse_date

    try:
        return parse_date(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    # --db and --lang work before or after the command; the command's copies
    # default to SUPPRESS so they do not overwrite a value given before it.
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--db", metavar="PATH|URL",
                        help=_("数据库文件或网址（默认：用户数据目录；也可用 BRANCHTUI_DB）"))
    common.add_argument("--lang", choices=("zh", "en"), help=_("界面语言（默认中文；也可用 BRANCHTUI_LANG）"))
    common.add_argument("--ansi", action="store_true",
                        help=_("16 色主题，用终端自己的颜色（老终端、PuTTY；也可用 BRANCHTUI_THEME=ansi）"))

    parser = argparse.ArgumentParser(
        prog="branchtui", parents=[common],
        description=_("镇党委基层党建终端看板 — terminal dashboard for a town Party committee"))
    parser.add_argument("--version", action="version", version=f"branchtui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help=_("建立演示数据库（8 个支部、74 名党员）"))
    demo.add_argument("--force", action="store_true", help=_("数据库已有数据时，先另存旧文件再重建"))
    demo.add_argument("--if-empty", action="store_true", help=_("数据库已有数据时什么也不做（make run 用）"))
    demo.add_argument("--today", type=_date_arg, help=_("把这一天当作今天（用于可重复的演示）"))
    demo.add_argument("--scale", choices=("town", "district"), default="town",
                      help=_("town：报告中的镇（默认）；"
                             "district：约 300 个支部、2 万党员、1 万笔贷款（性能测试用）"))

    summary = sub.add_parser("summary", parents=[common], help=_("打印全镇概况"))
    summary.add_argument("--json", action="store_true", help=_("输出 JSON（稳定接口）"))
    summary.add_argument("--as-of", type=_date_arg, help=_("统计截至日期 YYYY-MM-DD（默认今天）"))
    schedule = sub.add_parser("schedule", help=_("还款计划计算器：每月还多少？"))
    schedule.add_argument("--principal", required=True, help=_("贷款金额，如 3000、3,000.00、0.3万"))
    schedule.add_argument("--rate", required=True, help=_("年利率（%%），如 5.31"))
    schedule.add_argument("--months", required=True, type=int, help=_("期限（月）"))
    schedule.add_argument("--method", default="equal-installment",
                          choices=("equal-installment", "equal-principal", "interest-monthly", "bullet"),
                          help=_("等额本息 / 等额本金 / 按月付息到期还本 / 到期一次还本付息"))
    schedule.add_argument("--start", type=_date_arg, help=_("发放日期（默认今天）"))
    schedule.add_argument("--json", action="store_true", help=_("输出 JSON"))
    backup = sub.add_parser("backup", parents=[common], help=_("在线备份数据库（其他人正在写也安全）"))
    backup.add_argument("--to", metavar="PATH",
                        help=_("备份文件或目录（默认：数据库旁的 backups/，保留最近 10 份）"))
    restore = sub.add_parser("restore", parents=[common], help=_("用备份恢复数据库（当前文件先另存）"))
    restore.add_argument("source", metavar="PATH", help=_("备份文件"))
    copy = sub.add_parser("copy", parents=[common], help=_("把全部数据复制到一个空数据库（SQLite ⇄ PostgreSQL），并核对"))
    copy.add_argument("--from", dest="source", required=True, metavar="PATH|URL", help=_("源数据库"))
    copy.add_argument("--to", dest="target", required=True, metavar="PATH|URL", help=_("空的目标数据库"))
    copy.add_argument("--as-of", type=_date_arg, help=_("核对概况数字的日期（默认今天）"))
    sub.add_parser("check", parents=[common], help=_("检查数据库：完整性、外键、派生数字与记录是否一致"))
    user = sub.add_parser("user", parents=[common], help=_("用户与角色（admin/committee/secretary/viewer）"))
    user_sub = user.add_subparsers(dest="user_command", metavar="add|list|remove", required=True)
    user_add = user_sub.add_parser("add", parents=[common], help=_("登记用户"))
    user_add.add_argument("name", help=_("登录名（SSH 账户）"))
    user_add.add_argument("--role", required=True, help=_("admin、committee、secretary 或 viewer"))
    user_add.add_argument("--branch", help=_("支部书记所在的支部名称"))
    user_sub.add_parser("list", parents=[common], help=_("列出用户"))
    user_remove = user_sub.add_parser("remove", parents=[common], help=_("删除用户"))
    user_remove.add_argument("name")
    return parser


def _file_of(args):
    from branchtui.store.db import resolve_target, sqlite_path

    path = sqlite_path(resolve_target(args.db))
    if path is None:
        print(_("备份与恢复只用于 SQLite 文件；PostgreSQL 请用 pg_dump / pg_restore。"), file=sys.stderr)
        raise SystemExit(2)
    return path


def _allowed(args, action: str) -> bool:
    """Ask the database whether this login may ``action``; the file is closed
    again either way, since backup and restore work on it from outside."""
    from branchtui.domain import access
    from branchtui.domain.errors import DomainError

    db = _open(args)
    try:
        access.require(action, None)
        return True
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return False
    finally:
        db.close()


def _server_url(args) -> str | None:
    """The URL when --db names a PostgreSQL server (backups by pg_dump, store/pg_maintenance.py)."""
    from branchtui.store.db import is_url, resolve_target, sqlite_path

    target = resolve_target(args.db)
    return target if is_url(target) and sqlite_path(target) is None else None


def cmd_backup(args) -> int:
    from branchtui.domain import access
    from branchtui.store.maintenance import MaintenanceError, backup

    if _server_url(args):
        from branchtui.store.pg_maintenance import backup
    path = _server_url(args) or _file_of(args)
    if not _allowed(args, access.BACKUP):
        return 1
    try:
        target = backup(path, to=Path(args.to) if args.to else None)
    except MaintenanceError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(_("已备份到 {path}").format(path=target))
    return 0


def cmd_restore(args) -> int:
    from branchtui.domain import access
    from branchtui.store.maintenance import MaintenanceError, restore

    if _server_url(args):
        from branchtui.store.pg_maintenance import restore
    path = _server_url(args) or _file_of(args)
    if (_server_url(args) or path.exists()) and not _allowed(args, access.RESTORE):
        return 1
    try:
        aside = restore(path, Path(args.source))
    except MaintenanceError as exc:
        print(str(exc), file=sys.stderr)
        problems = getattr(exc, "problems", None) or []
        for problem in problems if len(problems) > 1 else []:
            print("  - " + problem, file=sys.stderr)
        return 1
    print(_("已从 {source} 恢复").format(source=args.source)
          + (_("；原数据库另存为 {aside}").format(aside=aside) if aside else ""))
    return 0


def cmd_copy(args) -> int:
    from peewee import OperationalError

    from branchtui.domain.errors import DomainError
    from branchtui.store.copy import CopyError, copy_between

    try:
        report, problems = copy_between(args.source, args.target, args.as_of or dt.date.today())
    except (CopyError, DomainError, OperationalError) as exc:
        print(str(exc).strip(), file=sys.stderr)
        return 1
    for problem in problems:
        print("✗ " + problem, file=sys.stderr)
    if problems:
        return 1
    print(_("已复制 {rows} 行（{tables} 张表）到 {target}，行数、全部记录和概况数字均已核对").format(
        rows=report.total, tables=len(report.rows), target=args.target))
    return 0


def cmd_check(args) -> int:
    _open(args)
    from branchtui.domain.check import check_database

    problems = check_database()
    for problem in problems:
        print("✗ " + problem)
    if problems:
        print(_("发现 {n} 个问题").format(n=len(problems)))
        return 1
    print(_("数据库完好：完整性、外键和派生数字均无问题"))
    return 0


def cmd_user(args) -> int:
    _open(args)
    from branchtui.domain import access
    from branchtui.domain.errors import DomainError

    try:
        if args.user_command == "add":
            row = access.add_user(args.name, args.role, args.branch)
            print(_("已登记用户 {login}：{role}").format(login=row.login, role=_(row.role_name))
                  + (_("（{branch}）").format(branch=row.branch_name) if row.branch_name else ""))
        elif args.user_command == "remove":
            access.remove_user(args.name)
            print(_("已删除用户 {login}").format(login=args.name))
        else:
            rows = access.list_users()
            if not rows:
                print(_("尚未登记用户：本机用户即管理员"))
            for row in rows:
                print(f"{row.login:<16} {_(row.role_name):<8} {row.branch_name or ''}")
    except DomainError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def _open(args):
    from branchtui.store.db import DatabaseTooNew, open_database

    try:
        return open_database(args.db)
    except DatabaseTooNew as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(2) from None


def cmd_demo(args) -> int:
    from branchtui.store.db import is_empty, resolve_target, sqlite_path

    target = resolve_target(args.db)
    db = _open(args)
    if not is_empty():
        if args.if_empty:
            return 0
        if not args.force:
            print(_("数据库 {target} 已有数据，未改动。如需重建请加 --force（旧文件会另存）。").format(
                target=target), file=sys.stderr)
            return 1
        path = sqlite_path(target)
        if path is None:
            print(_("--force 只用于 SQLite 文件；服务器数据库请先手工清空。"), file=sys.stderr)
            return 1
        db.close()
        aside = path.with_name(f"{path.name}.{dt.datetime.now():%Y%m%d-%H%M%S}.replaced.bak")
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        print(_("旧数据库已另存为 {aside}").format(aside=aside), file=sys.stderr)
        _open(args)
    if args.scale == "district":
        result = _build_district(args.today or dt.date.today())
    else:
        from branchtui.demo import build_demo

        result = build_demo(today=args.today)
    print(_("演示数据已建立：{branches} 个支部，{members} 名党员 → {target}").format(target=target, **result))
    return 0


def _build_district(today: dt.date) -> dict:
    """The district-sized database, with a progress bar per stage on stderr."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from branchtui.demo_district import build_district

    with Progress(TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or 1)
            bar.update(tasks[stage], completed=done, total=total or 1)

        return build_district(today, progress=progress)


def cmd_summary(args) -> int:
    _open(args)
    from branchtui.domain.summary import town_summary

    summary = town_summary(args.as_of)
    if args.json:
        print(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
        return 0
    from branchtui.summary_table import print_summary

    print_summary(summary)
    return 0


def cmd_schedule(args) -> int:
    """The office calculator: no database needed."""
    from branchtui.domain.errors import ValidationError
    from branchtui.domain.loans.schedule import METHOD_NAMES, build_schedule, totals
    from branchtui.domain.loans.service import parse_rate
    from branchtui.domain.parse import parse_money

    try:
        principal = parse_money(args.principal, "principal", "贷款金额", required=True, allow_zero=False)
        rate = parse_rate(args.rate)
        if not 1 <= args.months <= 360:
            raise ValidationError("months", _("期限应在 1 到 360 个月之间"))
    except ValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    start = args.start or dt.date.today()
    rows = build_schedule(principal, rate, args.months, args.method, start)
    total_principal, total_interest, total_payment = totals(rows)
    if args.json:
        print(json.dumps({
            "principal": str(principal), "annual_rate": str(rate), "months": args.months,
            "method": args.method, "start": start.isoformat(),
            "installments": [{"number": r.number, "due": r.due.isoformat(), "principal": str(r.principal),
                              "interest": str(r.interest), "payment": str(r.payment), "balance": str(r.balance)}
                             for r in rows],
            "total_interest": str(total_interest), "total_payment": str(total_payment),
        }, ensure_ascii=False, indent=2))
        return 0
    print(_("{method}：{p} 元，年利率 {r}%，{n} 个月，{d} 发放").format(
        method=_(METHOD_NAMES[args.method]), p=f"{principal:,.2f}", r=rate, n=args.months, d=start.isoformat()))
    print(f"{_('期'):>4} {_('到期日'):>10} {_('本金'):>12} {_('利息'):>10} {_('月供'):>12} {_('余额'):>12}")
    for r in rows:
        print(f"{r.number:>4} {r.due.isoformat():>12} {r.principal:>14,.2f} {r.interest:>12,.2f} "
              f"{r.payment:>14,.2f} {r.balance:>14,.2f}")
    print(_("合计：本金 {p} 元，利息 {i} 元，本息 {t} 元").format(
        p=f"{total_principal:,.2f}", i=f"{total_interest:,.2f}", t=f"{total_payment:,.2f}"))
    return 0


def cmd_app(args) -> int:
    _open(args)
    from branchtui.tui.app import BranchApp

    ansi = args.ansi or os.environ.get("BRANCHTUI_THEME", "").lower() == "ansi"
    app = BranchApp(ansi=ansi)
    app.run()
    return app.return_code or 0


def _lang_in(argv: list[str]) -> str | None:
    """The value of the last ``--lang X`` / ``--lang=X`` (or an abbreviation
    argparse would accept, ``--la en``) before any ``--``; None without one."""
    lang = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        option, eq, value = arg.partition("=")
        if len(option) >= 3 and "--lang".startswith(option):
            if eq:
                lang = value
            elif i + 1 < len(argv):
                lang = argv[i + 1]
    return lang


def main(argv: list[str] | None = None) -> int:
    # The language comes first, so that the help texts and the messages of
    # argument errors (built and raised by the parser) are in it too.
    set_language(_lang_in(sys.argv[1:] if argv is None else argv))
    args = build_parser().parse_args(argv)
    for option in ("db", "lang", "ansi"):
        setattr(args, option, getattr(args, option, None))
    set_language(args.lang)
    handler = {"demo": cmd_demo, "summary": cmd_summary, "schedule": cmd_schedule, "backup": cmd_backup,
               "restore": cmd_restore, "check": cmd_check, "copy": cmd_copy, "user": cmd_user}.get(args.command, cmd_app)
    return handler(args)
