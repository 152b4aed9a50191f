"""Opening the database: a file path (SQLite) or a URL (e.g. PostgreSQL).

Models bind to ``database``, a proxy that ``open_database`` points at the
real connection, so that tests, the CLI and the TUI all share one door.
"""

from __future__ import annotations

import os
from pathlib import Path

from peewee import Database, DatabaseProxy, SqliteDatabase

database = DatabaseProxy()

# WAL lets readers go on while one SSH session writes; IMMEDIATE takes the
# write lock at BEGIN so concurrent writers queue on the busy timeout
# instead of failing half-way with "database is locked".
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", 1),
    ("foreign_keys", 1),
    ("busy_timeout", 15000),
    ("cache_size", -8000),
)
BUSY_TIMEOUT_S = 15


class DatabaseTooNew(Exception):
    """The database was written by a newer branchtui than this one."""


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("branchtui", appauthor=False) / "branchtui.db"


def resolve_target(target: str | os.PathLike | None = None) -> str:
    """--db beats BRANCHTUI_DB beats the per-user data directory."""
    if target:
        return str(target)
    return os.environ.get("BRANCHTUI_DB") or str(default_path())


def is_url(target: str) -> bool:
    return "://" in target


def sqlite_path(target: str) -> Path | None:
    """The file behind a target, or None for a server database."""
    if target.startswith("sqlite:///"):
        return Path(target[len("sqlite:///"):])
    return None if is_url(target) else Path(target)


def make_database(target: str) -> Database:
    path = sqlite_path(target)
    if path is None:
        from playhouse.db_url import connect

        return connect(target)
    if not path.exists():
        from branchtui.store.maintenance import secure_dir, secure_file

        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent == default_path().parent:
            secure_dir(path.parent)
        # Official records: readable by their owner only (or the group the
        # admin names in BRANCHTUI_GROUP), from the moment the file exists.
        path.touch()
        secure_file(path)
    return SqliteDatabase(
        str(path), pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE"
    )


def open_database(target: str | os.PathLike | None = None, *, migrate: bool = True) -> Database:
    """Point the model proxy at ``target`` and bring its schema up to date."""
    resolved = resolve_target(target)
    db = make_database(resolved)
    database.initialize(db)
    if migrate:
        from branchtui.store.migrate import ensure_schema

        ensure_schema(db, sqlite_path(resolved))
    return db


def is_empty() -> bool:
    """True when the database holds no committee yet (nothing to overwrite)."""
    from branchtui.store.models import Committee

    return not Committee.select().exists()
