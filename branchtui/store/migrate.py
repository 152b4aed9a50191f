"""Schema migrations with playhouse.migrations, run when a database opens.

A file with pending migrations is copied aside first, with SQLite's online
backup API (safe while other sessions read), so a failed upgrade can be
undone by hand.
"""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

from peewee import Database

from branchtui.i18n import _
from branchtui.store.db import DatabaseTooNew

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HISTORY_TABLE = "schema_migration"


def known_migrations() -> list[str]:
    return sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py"))


def applied_migrations(db: Database) -> set[str]:
    if not db.table_exists(HISTORY_TABLE):
        return set()
    return {row[0] for row in db.execute_sql(f"SELECT name FROM {HISTORY_TABLE}")}


def backup_sqlite(path: Path, label: str) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{stamp}.{label}.bak")
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    from branchtui.store.maintenance import secure_file

    secure_file(target)
    return target


def ensure_schema(db: Database, path: Path | None) -> list[str]:
    """Apply pending migrations; refuse a schema newer than this program."""
    known = known_migrations()
    applied = applied_migrations(db)
    unknown = sorted(applied - set(known))
    if unknown:
        raise DatabaseTooNew(
            _("数据库由更新版本的 branchtui 写入（未知迁移：{names}），请升级程序后再打开。").format(
                names=", ".join(unknown))
        )
    pending = [name for name in known if name not in applied]
    if not pending:
        return []
    if applied and path is not None and path.exists():
        backup_sqlite(path, "before-" + pending[0])
    from playhouse.migrations import Runner

    return Runner(db, directory=str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).up()
