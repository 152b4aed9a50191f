"""Schema migrations with playhouse.migrations, run when a database opens.

A file with pending migrations is copied aside first (verified, under an
unpredictable name, never through a planted link), so a failed upgrade can
be undone by hand.

Any number of processes may open a new or outdated file at once: the one
that gets the write lock applies what is pending, the others wait for it
and then find nothing left to do.
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

from peewee import Database, PostgresqlDatabase

from branchtui.i18n import _
from branchtui.store.db import DatabaseTooNew, StorageError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HISTORY_TABLE = "schema_migration"
# Any constant key: every branchtui process upgrading one PostgreSQL database
# queues on it for the length of the upgrade's transaction.
_PG_LOCK_KEY = 0x62726E74  # "brnt"


def known_migrations() -> list[str]:
    return sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py"))


def applied_migrations(db: Database) -> set[str]:
    if not db.table_exists(HISTORY_TABLE):
        return set()
    return {row[0] for row in db.execute_sql(f"SELECT name FROM {HISTORY_TABLE}")}


def backup_sqlite(path: Path, label: str) -> Path:
    """A verified copy of ``path`` beside it, created exclusively under a
    name nobody can guess in advance."""
    import secrets

    from branchtui.store.maintenance import copy_verified

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{stamp}.{label}.{secrets.token_hex(6)}.bak")
    src = sqlite3.connect(str(path))
    try:
        copy_verified(src, target)
    finally:
        src.close()
    return target


def _pending(db: Database) -> list[str]:
    known = known_migrations()
    applied = applied_migrations(db)
    unknown = sorted(applied - set(known))
    if unknown:
        raise DatabaseTooNew(
            _("数据库由更新版本的 branchtui 写入（未知迁移：{names}），请升级程序后再打开。").format(
                names=", ".join(unknown))
        )
    if not applied:
        foreign = [t for t in db.get_tables() if t != HISTORY_TABLE and not t.startswith("sqlite_")]
        if foreign:
            raise StorageError(
                _("该数据库属于其他程序（已有 {n} 张表，如 {tables}），不是 branchtui 数据库；未做任何改动。"
                  "请用 --db 指向 branchtui 的数据库，或用 branchtui init 新建").format(
                    n=len(foreign), tables=_("、").join(foreign[:3])))
    return [name for name in known if name not in applied]


def ensure_schema(db: Database, path: Path | None) -> list[str]:
    """Apply pending migrations; refuse a schema newer than this program and
    a database of another program."""
    try:
        if not _pending(db):  # the everyday case: a read, no lock taken
            return []
    except StorageError:
        raise
    except Exception as exc:
        damaged = _damage_of(exc)
        if damaged is None:
            raise
        raise StorageError(_("数据库 {path} 已损坏或不完整，SQLite 无法读取（{error}）；"
                             "请用 branchtui restore 从备份恢复").format(path=path, error=damaged)) from exc
    if getattr(db, "read_only", False):
        raise StorageError(_("数据库 {path} 需要升级，但它是只读的：请让有写权限的人先打开一次").format(path=path))
    return _upgrade(db, path)


def _damage_of(exc: BaseException) -> sqlite3.DatabaseError | None:
    """The SQLite error saying the file is damaged or not a database, if that is what ``exc`` is."""
    from branchtui.store.db import _causes

    for cause in _causes(exc):
        if isinstance(cause, sqlite3.DatabaseError) and (cause.sqlite_errorcode or 0) & 0xFF in (11, 26):
            return cause
    return None


def _upgrade(db: Database, path: Path | None) -> list[str]:
    from playhouse.migrations import Runner

    # The SQLite migrator turns foreign keys off around a migration only
    # outside a transaction; here the whole upgrade is one transaction, so
    # they are turned off before it (a table rebuild must not cascade).
    sqlite = not isinstance(db, PostgresqlDatabase)
    foreign_keys = sqlite and bool(db.pragma("foreign_keys"))
    if foreign_keys:
        db.pragma("foreign_keys", 0)
    try:
        with db.atomic():  # SQLite: BEGIN IMMEDIATE, the write lock, before looking again
            if not sqlite:
                db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_KEY,))
            pending = _pending(db)
            if not pending:
                return []  # another process upgraded while this one waited
            if applied_migrations(db) and path is not None and path.exists():
                backup_sqlite(path, "before-" + pending[0])
            return Runner(db, directory=str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).up()
    finally:
        if foreign_keys:
            db.pragma("foreign_keys", 1)
