"""Command line. Arguments are parsed before anything heavy is imported, so
``--help``, ``summary`` and maintenance commands start fast and never load
the TUI."""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
                        help="数据库文件或网址（默认：用户数据目录；也可用 BRANCHTUI_DB）")
    common.add_argument("--lang", choices=("zh", "en"), help="界面语言（默认中文；也可用 BRANCHTUI_LANG）")

    parser = argparse.ArgumentParser(
        prog="branchtui", parents=[common],
        description="镇党委基层党建终端看板 — terminal dashboard for a town Party committee")
    parser.add_argument("--version", action="version", version=f"branchtui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help="建立演示数据库（8 个支部、74 名党员）")
    demo.add_argument("--force", action="store_true", help="数据库已有数据时，先另存旧文件再重建")
    demo.add_argument("--if-empty", action="store_true", help="数据库已有数据时什么也不做（make run 用）")
    demo.add_argument("--today", type=_date_arg, help="把这一天当作今天（用于可重复的演示）")

    summary = sub.add_parser("summary", parents=[common], help="打印全镇概况")
    summary.add_argument("--json", action="store_true", help="输出 JSON（稳定接口）")
    summary.add_argument("--as-of", type=_date_arg, help="统计截至日期 YYYY-MM-DD（默认今天）")
    return parser


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
    from branchtui.demo import build_demo

    result = build_demo(today=args.today)
    print(_("演示数据已建立：{branches} 个支部，{members} 名党员 → {target}").format(target=target, **result))
    return 0


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


def cmd_app(args) -> int:
    _open(args)
    from branchtui.tui.app import BranchApp

    app = BranchApp()
    app.run()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for option in ("db", "lang"):
        setattr(args, option, getattr(args, option, None))
    set_language(args.lang)
    handler = {"demo": cmd_demo, "summary": cmd_summary}.get(args.command, cmd_app)
    return handler(args)
