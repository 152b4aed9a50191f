"""Command line. Arguments are parsed before anything heavy is imported, so
``--help``, ``summary`` and maintenance commands start fast and never load
the TUI."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys

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
    common.add_argument("--as", dest="as_login", metavar="NAME",
                        help=_("以登记用户 NAME 的身份运行（sshd 的强制命令用；只对数据库所有者有效）"))

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
    sub.add_parser("init", parents=[common], help=_("新建空数据库（只有它和 demo 会新建；您成为管理员）"))
    copy = sub.add_parser("copy", parents=[common], help=_("把全部数据复制到一个空数据库（SQLite ⇄ PostgreSQL），并核对"))
    copy.add_argument("--from", dest="source", required=True, metavar="PATH|URL", help=_("源数据库"))
    copy.add_argument("--to", dest="target", required=True, metavar="PATH|URL", help=_("空的目标数据库"))
    copy.add_argument("--as-of", type=_date_arg, help=_("核对概况数字的日期（默认今天）"))
    sub.add_parser("check", parents=[common], help=_("检查数据库：完整性、外键、派生数字与记录是否一致"))
    from branchtui.io.cli import add_parsers

    add_parsers(sub, common, _date_arg)
    trail = sub.add_parser("audit", parents=[common], help=_("审计记录的哈希链"))
    trail_sub = trail.add_subparsers(dest="audit_command", metavar="head", required=True)
    trail_sub.add_parser("head", parents=[common],
                         help=_("打印最新一行的哈希与行数（抄入纸质台账，日后可证明记录未被改写）"))
    from branchtui.commands import doctor, users

    users.add_parsers(sub, common)
    doctor.add_parser(sub, common)
    return parser


def cmd_copy(args) -> int:
    from peewee import OperationalError

    from branchtui.domain.errors import DomainError
    from branchtui.domain.copy import CopyError, copy_between

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


def cmd_audit(args) -> int:
    _open(args)
    from branchtui.domain.audit import head

    digest, rows = head()
    print(_("审计链头 {hash}  共 {n} 行").format(hash=digest, n=rows))
    return 0


def _open(args):
    from branchtui.commands.maintenance import open_db

    return open_db(args)


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


def cmd_data(args) -> int:
    """import, export and report: their bodies live in branchtui.io."""
    from branchtui.io import cli as io_cli

    _open(args)
    return getattr(io_cli, f"cmd_{args.command}")(args)


def cmd_app(args) -> int:
    from branchtui.commands.maintenance import open_db, register_creator
    from branchtui.store.db import resolve_target, sqlite_path

    path = sqlite_path(resolve_target(args.db))
    create = path is not None and not os.path.lexists(path)
    if create:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            open_db(args)  # refuses, naming the path
        answer = input(_("在 {path} 新建数据库？[y/N] ").format(path=path))
        if answer.strip().lower() not in ("y", "yes", "是"):
            print(_("未新建数据库"), file=sys.stderr)
            return 1
    open_db(args, create=create)
    if create:
        register_creator()
    from branchtui.tui.app import BranchApp

    ansi = args.ansi or os.environ.get("BRANCHTUI_THEME", "").lower() == "ansi"
    app = BranchApp(ansi=ansi)
    from branchtui.domain import sessions

    with sessions.recorded():
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


def fill_defaults(args) -> None:
    for option in ("db", "lang", "ansi", "as_login"):
        setattr(args, option, getattr(args, option, None))


def handler_for(args):
    from branchtui.commands import doctor, users

    from branchtui.commands import maintenance as m

    return {"demo": m.cmd_demo, "summary": cmd_summary, "schedule": cmd_schedule, "backup": m.cmd_backup,
            "restore": m.cmd_restore, "check": m.cmd_check, "init": m.cmd_init, "user": users.cmd_user,
            "ssh-keys": users.cmd_ssh_keys, "doctor": doctor.cmd_doctor, "audit": cmd_audit, "copy": cmd_copy,
            "import": cmd_data, "export": cmd_data, "report": cmd_data}.get(args.command, cmd_app)


def main(argv: list[str] | None = None) -> int:
    # The language comes first, so that the help texts and the messages of
    # argument errors (built and raised by the parser) are in it too.
    set_language(_lang_in(sys.argv[1:] if argv is None else argv))
    args = build_parser().parse_args(argv)
    fill_defaults(args)
    set_language(args.lang)
    from branchtui.commands.maintenance import run_guarded

    if args.as_login is not None:
        from branchtui.commands.ssh import run_as

        handler = run_as
    else:
        handler = handler_for(args)
    try:
        return run_guarded(handler, args)
    except BrokenPipeError:
        # The reader has stopped (``| head -2``): what was wanted was printed. Point stdout
        # at /dev/null so the flush at exit does not raise again (the recipe of Python's docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
