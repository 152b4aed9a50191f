"""init, demo, backup, restore and check: the commands that create, copy,
replace or judge the database file.

Only ``init`` and ``demo`` (and the TUI, after asking) create a database;
every other command refuses a missing file, naming the path it looked for.
Replacing a database (``restore``, ``demo --force``) is for administrators,
is refused while another session has the file open, and leaves an audit row
in the database that results.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
from pathlib import Path

from branchtui.i18n import _


def run_guarded(handler, args) -> int:
    """Run a command; a storage failure becomes its message and exit status 1
    (2 for a database too new for this program), never a traceback."""
    from branchtui.store.db import DatabaseTooNew, StorageError, storage_problem

    try:
        return handler(args)
    except DatabaseTooNew as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except StorageError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:
        problem = storage_problem(exc)
        if problem is None:
            raise
        print(problem, file=sys.stderr)
        return 1


def open_db(args, *, create: bool = False):
    from branchtui.store.db import open_database

    return open_database(args.db, create=create)


def _file_of(args) -> Path:
    from branchtui.store.db import resolve_target, sqlite_path

    path = sqlite_path(resolve_target(args.db))
    if path is None:
        print(_("备份与恢复只用于 SQLite 文件；PostgreSQL 请用 pg_dump / pg_restore。"), file=sys.stderr)
        raise SystemExit(2)
    return path


def register_creator() -> str | None:
    """A brand-new database's first user is the person who made it, as admin.
    Returns the login registered, None when users were already there."""
    from branchtui.domain import access, audit

    if access.list_users():
        return None
    login = audit.current_login()
    access.add_user(login, access.ADMIN)
    return login


def admin_refusal(action: str) -> str | None:
    """Why the current login may not ``action`` (a whole-database replacement),
    or None for an administrator. A refusal is audited."""
    from branchtui.domain import access, audit

    role, _branch = access.current_role()
    if role == access.ADMIN:
        return None
    message = _("只有管理员才能{what}（您 {login} 的角色是“{role}”）").format(
        what=action, login=audit.current_login(), role=_(access.ROLE_NAMES.get(role, role)))
    with audit.transaction():
        audit.record("database", None, "refused", None, {"action": action, "role": role, "reason": message})
    return message


def audit_replacement(how: str, path: Path, aside: Path | None, source: str | None = None) -> None:
    """The row that says the whole database was replaced: how, where the old
    file went, from what. The login column says by whom."""
    from branchtui.domain import audit

    with audit.transaction():
        audit.record("database", None, how, {"file": str(path), "kept_as": str(aside) if aside else None},
                     {"source": source, "at": dt.datetime.now().isoformat(timespec="seconds")})


# ------------------------------------------------------------------ commands


def cmd_init(args) -> int:
    from branchtui.store.db import is_empty, resolve_target, sqlite_path

    target = resolve_target(args.db)
    path = sqlite_path(target)
    if path is not None and os.path.lexists(path):
        open_db(args).close()  # refuses what is not a branchtui database
        print(_("数据库 {path} 已存在，未改动").format(path=path), file=sys.stderr)
        return 1
    db = open_db(args, create=True)
    try:
        if path is None and not is_empty():
            print(_("数据库 {path} 已存在，未改动").format(path=target), file=sys.stderr)
            return 1
        login = register_creator()
    finally:
        db.close()
    print(_("已新建数据库 {path}").format(path=target)
          + (_("；管理员：{login}").format(login=login) if login else ""))
    return 0


def cmd_demo(args) -> int:
    from branchtui.store.db import is_empty, resolve_target, sqlite_path

    target = resolve_target(args.db)
    db = open_db(args, create=True)
    if is_empty():
        # Sample data on a new file stays single-user (whoever runs it is
        # admin) until someone registers users; only a rebuild over real
        # data (--force, an admin's act) names its maker admin.
        result = _build(args)
        db.close()
        _built(result, target)
        return 0
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
    refusal = admin_refusal(_("用演示数据替换整个数据库"))
    db.close()
    if refusal:
        print(refusal, file=sys.stderr)
        return 1
    from branchtui.store.maintenance import MaintenanceError, restore

    # Built beside it, then copied in under an exclusive lock, like a restore:
    # the file is never missing and never half-built for another session.
    fresh = path.with_name(f".{path.name}.{secrets.token_hex(6)}.demo.db")
    try:
        open_db(argparse_namespace(args, db=str(fresh)), create=True)
        result = _build(args)
        from branchtui.store.db import database

        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
        try:
            aside = restore(path, fresh, label="replaced")
        except MaintenanceError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{fresh}{suffix}").unlink(missing_ok=True)
    db = open_db(args)
    try:
        register_creator()
        audit_replacement("replace", path, aside, source="demo")
    finally:
        db.close()
    print(_("旧数据库已另存为 {aside}").format(aside=aside), file=sys.stderr)
    _built(result, target)
    return 0


def argparse_namespace(args, **changes):
    import argparse

    return argparse.Namespace(**{**vars(args), **changes})


def _build(args) -> dict:
    if args.scale == "district":
        from branchtui.cli import _build_district

        return _build_district(args.today or dt.date.today())
    from branchtui.demo import build_demo

    return build_demo(today=args.today)


def _built(result: dict, target: str) -> None:
    print(_("演示数据已建立：{branches} 个支部，{members} 名党员 → {target}").format(target=target, **result))


def _allowed(args, action: str) -> bool:
    """Ask the database whether this login may ``action``; the file is closed
    again either way, since backup and restore work on it from outside."""
    from branchtui.domain import access
    from branchtui.domain.errors import DomainError

    db = open_db(args)
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
    from branchtui.store import maintenance, pg_maintenance

    backup = pg_maintenance.backup if _server_url(args) else maintenance.backup
    path = _server_url(args) or _file_of(args)
    if not _allowed(args, access.BACKUP):
        return 1
    target = backup(path, to=Path(args.to) if args.to else None)
    print(_("已备份到 {path}").format(path=target))
    return 0


def cmd_restore(args) -> int:
    from branchtui.domain import access
    from branchtui.store.db import StorageError
    from branchtui.store.maintenance import MaintenanceError, restore

    url = _server_url(args)
    if url:
        return _restore_server(args, url)
    path = _file_of(args)
    if os.path.lexists(path):
        try:
            if not _allowed(args, access.RESTORE):
                return 1
        except StorageError as exc:
            # Too broken to say who may restore it: whoever may write the file
            # decides, which is what restoring is for.
            print(_("当前数据库无法读取（{error}）：按文件权限放行恢复").format(error=exc), file=sys.stderr)
    try:
        aside = restore(path, Path(args.source))
    except MaintenanceError as exc:
        print(str(exc), file=sys.stderr)
        problems = getattr(exc, "problems", None) or []
        for problem in problems if len(problems) > 1 else []:
            print("  - " + problem, file=sys.stderr)
        return 1
    db = open_db(args)
    try:
        audit_replacement("restore", path, aside, source=str(Path(args.source).resolve()))
    finally:
        db.close()
    print(_("已从 {source} 恢复").format(source=args.source)
          + (_("；原数据库另存为 {aside}").format(aside=aside) if aside else ""))
    return 0


def _restore_server(args, url: str) -> int:
    from branchtui.domain import access
    from branchtui.store.maintenance import MaintenanceError
    from branchtui.store.pg_maintenance import restore

    if not _allowed(args, access.RESTORE):
        return 1
    try:
        aside = restore(url, Path(args.source))
    except MaintenanceError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(_("已从 {source} 恢复").format(source=args.source) + _("；原数据库另存为 {aside}").format(aside=aside))
    return 0


def cmd_check(args) -> int:
    open_db(args)
    from branchtui.domain.check import check_database

    problems = check_database()
    for problem in problems:
        print("✗ " + problem)
    if problems:
        print(_("发现 {n} 个问题").format(n=len(problems)))
        return 1
    print(_("数据库完好：完整性、外键和派生数字均无问题"))
    return 0
