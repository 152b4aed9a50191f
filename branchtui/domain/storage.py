"""What the screens may ask about the store itself: is it read-only, was a
failure the disk or another writer. The TUI asks here, never ``store/``."""

from peewee import SqliteDatabase

from branchtui.store.db import database, is_busy, is_disk_full, is_read_only, storage_problem

__all__ = ["is_busy", "is_disk_full", "is_read_only", "sqlite_file", "storage_problem"]


def sqlite_file() -> str | None:
    """The open SQLite file's path, None for a server database (or none open)."""
    engine = database.obj
    target = getattr(engine, "database", None)
    if not (isinstance(engine, SqliteDatabase) and target and target != ":memory:"):
        return None
    if target.startswith("file:"):  # a read-only file is opened as a URI: file:/path?mode=ro
        from urllib.parse import unquote, urlsplit

        return unquote(urlsplit(target).path)
    return target
