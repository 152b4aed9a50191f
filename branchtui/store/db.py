"""Opening the database: a file path (SQLite) or a URL (e.g. PostgreSQL).

Models bind to ``database``, a proxy that ``open_database`` points at the
real connection, so that tests, the CLI and the TUI all share one door.

A file that cannot serve as a branchtui database (a directory, another
program's file, a damaged one, a missing one when creating was not asked
for) is refused with ``StorageError``, whose message says what to do; a
file this account may not write is opened read-only (``is_read_only()``).
"""

from __future__ import annotations

import errno
import os
import sqlite3
import urllib.parse
from pathlib import Path

from peewee import Database, DatabaseProxy, SqliteDatabase

from branchtui.i18n import _

database = DatabaseProxy()

# WAL lets readers go on while one SSH session writes; IMMEDIATE takes the
# write lock at BEGIN so concurrent writers queue on the busy timeout
# instead of failing half-way with "database is locked".
# synchronous=FULL: these are official records on office PCs that lose
# power; NORMAL survives a crashed program but may drop the last commits
# when the power goes. FULL costs one more fsync per commit (README).
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", 1),
    ("busy_timeout", 15000),
    ("cache_size", -8000),
)
# A file this account cannot write: no journal mode switch, no writes at all.
SQLITE_READ_ONLY_PRAGMAS = (
    ("foreign_keys", 1),
    ("busy_timeout", 15000),
    ("cache_size", -8000),
    ("query_only", 1),
)
BUSY_TIMEOUT_S = 15
SQLITE_MAGIC = b"SQLite format 3\x00"

# Primary SQLite result codes (the low byte of sqlite_errorcode).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_CANTOPEN, _SQLITE_FULL, _SQLITE_NOTADB = 10, 11, 14, 13, 26
_PG_DISK_FULL = "53100"


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _as_real(number: int) -> float:
    try:
        return float(number)
    except OverflowError:
        return float("inf") if number > 0 else float("-inf")


class StorageError(Exception):
    """The database file cannot be used as asked; the message says why and what to do."""


class DatabaseMissing(StorageError):
    """No database at the path, and creating one was not asked for."""


class DatabaseTooNew(StorageError):
    """The database was written by a newer branchtui than this one."""


class BranchSqliteDatabase(SqliteDatabase):
    """SQLite with a rollback that tolerates SQLite's own.

    On a full disk (and a few other I/O errors) SQLite rolls the transaction
    back by itself; peewee's ROLLBACK then fails with "no transaction is
    active" and hides the real cause. Skipping it lets the original error
    (SQLITE_FULL) reach the person.
    """

    read_only = False

    def execute_sql(self, sql, params=None):
        # An integer beyond SQLite's 64 bits (an id of 2**70 from a caller)
        # would raise OverflowError while binding; as a float it compares as
        # the number it is and simply matches no row.
        if params and any(type(p) is int and not _INT64_MIN <= p <= _INT64_MAX for p in params):
            params = [_as_real(p) if type(p) is int and not _INT64_MIN <= p <= _INT64_MAX else p
                      for p in params]
        return super().execute_sql(sql, params)

    def rollback(self):
        if not self.is_closed() and not self.connection().in_transaction:
            return
        super().rollback()


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


def make_private_dirs(directory: Path) -> None:
    """Create ``directory`` and any missing parent 0700, whatever the umask."""
    missing = []
    for level in (directory, *directory.parents):
        if level.exists():
            break
        missing.append(level)
    for level in reversed(missing):
        try:
            level.mkdir(mode=0o700)
        except FileExistsError:  # another process made it a moment ago
            continue
        os.chmod(level, 0o700)


def create_file(path: Path) -> None:
    """A new empty database file, 0600 (or 0660 for BRANCHTUI_GROUP) from the
    moment it exists; a file made a moment ago by another process is fine."""
    from branchtui.store.maintenance import _group_id, secure_dir, secure_file

    _group_id()  # a BRANCHTUI_GROUP that does not exist is refused before anything is made
    make_private_dirs(path.parent)
    if path.parent == default_path().parent:
        secure_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StorageError(_("无法新建数据库 {path}：{error}").format(path=path, error=_os_reason(exc))) from exc
    os.close(fd)
    secure_file(path)


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return _("磁盘已满")
    if exc.errno == errno.EROFS:
        return _("文件系统是只读的")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("没有权限")
    return exc.strerror or str(exc)


def _writable(path: Path) -> bool:
    """Whether this account can change the file (and make its -wal/-shm beside it).

    ``os.access`` sees a read-only mount and an immutable file even for root,
    where the mode bits would not stop it.
    """
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def check_sqlite_file(path: Path) -> None:
    """Refuse what SQLite would stumble on later with a raw error."""
    if path.is_dir():
        raise StorageError(_("{path} 是一个目录，不是数据库文件；请用 --db 指向数据库文件").format(path=path))
    if not path.is_file():
        raise StorageError(_("{path} 不是普通文件，不能作为数据库").format(path=path))
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StorageError(_("无法读取数据库 {path}：{error}").format(path=path, error=_os_reason(exc))) from exc
    if header and header != SQLITE_MAGIC:
        raise StorageError(_("{path} 不是 SQLite 数据库文件，未改动；请检查 --db 的路径").format(path=path))


def _read_only_uri(path: Path, *, probe: bool = False) -> str:
    """Read-only: without a -wal beside it and with no way to make one, nobody
    can be writing the file, so it is read as immutable (no -shm needed).

    ``probe``: a first look at a file not known to be ours; without a -wal it
    is read as immutable too, so that not even a -shm is left beside a file
    that turns out to be another program's or damaged.
    """
    resolved = path.resolve()
    query = "mode=ro"
    if not Path(f"{resolved}-wal").exists() and (probe or not os.access(resolved.parent, os.W_OK)):
        query += "&immutable=1"
    return "file:" + urllib.parse.quote(str(resolved)) + "?" + query


def _no_space(path: Path) -> bool:
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except (AttributeError, OSError):
        return False


def _check_tables(path: Path) -> None:
    """Before anything is written (even the switch to WAL): refuse another
    program's database and a file SQLite cannot read."""
    from branchtui.store.migrate import HISTORY_TABLE

    try:
        con = sqlite3.connect(_read_only_uri(path, probe=True), uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise StorageError(_("无法读取数据库 {path}：{error}").format(path=path, error=exc)) from exc
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.DatabaseError as exc:
        code = (exc.sqlite_errorcode or 0) & 0xFF
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return  # someone is upgrading it right now: the migration lock sorts that out
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            raise StorageError(_("数据库 {path} 已损坏或不完整，SQLite 无法读取（{error}）；"
                                 "请用 branchtui restore 从备份恢复").format(path=path, error=exc)) from exc
        if _no_space(path):  # not even the 32 KB of a -shm left
            raise StorageError(_sqlite_message(_SQLITE_FULL)) from exc
        raise StorageError(_("无法读取数据库 {path}：{error}").format(
            path=path, error=_sqlite_message(code) or exc)) from exc
    finally:
        con.close()
    foreign = [t for t in tables if not t.startswith("sqlite_")]
    if foreign and HISTORY_TABLE not in foreign:
        raise StorageError(
            _("该数据库属于其他程序（已有 {n} 张表，如 {tables}），不是 branchtui 数据库；未做任何改动。"
              "请用 --db 指向 branchtui 的数据库，或用 branchtui init 新建").format(
                n=len(foreign), tables=_("、").join(foreign[:3])))


def make_database(target: str, *, create: bool = True) -> Database:
    path = sqlite_path(target)
    if path is None:
        from playhouse.db_url import connect

        return connect(target)
    if not path.exists() and not path.is_symlink():
        if not create:
            raise DatabaseMissing(
                _("找不到数据库 {path}。如要在这里新建，请运行 branchtui init --db {path}").format(path=path))
        create_file(path)
    check_sqlite_file(path)
    if path.stat().st_size:
        _check_tables(path)
    if _writable(path):
        return BranchSqliteDatabase(
            str(path), pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE")
    db = BranchSqliteDatabase(_read_only_uri(path), uri=True, pragmas=SQLITE_READ_ONLY_PRAGMAS,
                              timeout=BUSY_TIMEOUT_S)
    db.read_only = True
    return db


def open_database(target: str | os.PathLike | None = None, *, migrate: bool = True,
                  create: bool = True) -> Database:
    """Point the model proxy at ``target`` and bring its schema up to date.

    ``create=False`` (every command but ``init``, ``demo`` and a confirmed
    TUI start) refuses a missing file with ``DatabaseMissing`` instead of
    making an empty database where a path was mistyped.
    """
    resolved = resolve_target(target)
    db = make_database(resolved, create=create)
    database.initialize(db)
    if migrate:
        from branchtui.store.migrate import ensure_schema

        try:
            ensure_schema(db, sqlite_path(resolved))
        except BaseException:
            db.close()
            raise
    return db


def is_read_only() -> bool:
    """Whether the open database was opened read-only (this account cannot write it)."""
    return bool(getattr(database.obj, "read_only", False))


def is_empty() -> bool:
    """True when the database holds no committee yet (nothing to overwrite)."""
    from branchtui.store.models import Committee

    return not Committee.select().exists()


# ------------------------------------------------------------ failures


def _causes(exc: BaseException):
    """``exc`` and whatever it wraps or interrupted (peewee keeps the driver's
    exception as its first argument; a failed rollback keeps the real cause
    as its context)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        args = getattr(current, "args", ())
        if args and isinstance(args[0], BaseException):
            todo.append(args[0])
        todo.extend((current.__cause__, current.__context__))


def storage_problem(exc: BaseException) -> str | None:
    """A message a person can act on for a storage failure, or None when
    ``exc`` is not one (a programming error, a rule)."""
    for cause in _causes(exc):
        if isinstance(cause, StorageError):
            return str(cause)
        code = getattr(cause, "sqlite_errorcode", None)
        if isinstance(cause, sqlite3.Error) and code is not None:
            if code & 0xFF == _SQLITE_IOERR and _open_file_has_no_space():
                code = _SQLITE_FULL  # e.g. no room to make the -shm: SQLite calls that an I/O error
            message = _sqlite_message(code & 0xFF)
            if message:
                return message
        sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if sqlstate == _PG_DISK_FULL or isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return _sqlite_message(_SQLITE_FULL)
        if isinstance(cause, OSError) and cause.errno == errno.EROFS:
            return _sqlite_message(_SQLITE_READONLY)
    return None


def is_busy(exc: BaseException) -> bool:
    """Another session held the write lock past the busy timeout (told by the
    error code, not by the wording of the message)."""
    return any(isinstance(c, sqlite3.Error) and (getattr(c, "sqlite_errorcode", 0) or 0) & 0xFF
               in (_SQLITE_BUSY, _SQLITE_LOCKED) for c in _causes(exc))


def is_disk_full(exc: BaseException) -> bool:
    for c in _causes(exc):
        code = (getattr(c, "sqlite_errorcode", 0) or 0) & 0xFF if isinstance(c, sqlite3.Error) else 0
        if code == _SQLITE_FULL or isinstance(c, OSError) and c.errno == errno.ENOSPC:
            return True
        if code == _SQLITE_IOERR and _open_file_has_no_space():
            return True
    return False


def _open_file_has_no_space() -> bool:
    """Whether the disk of the open SQLite database is full."""
    name = getattr(database.obj, "database", None)
    if not isinstance(database.obj, SqliteDatabase) or not name:
        return False
    if name.startswith("file:"):
        name = urllib.parse.unquote(name[len("file:"):].partition("?")[0])
    return _no_space(Path(name))


def _sqlite_message(code: int) -> str | None:
    if code == _SQLITE_FULL:
        return _("磁盘已满：本次没有写入，已有的数据都在；请清理磁盘空间后再保存")
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return _("数据库正忙（其他人正在保存）：本次没有写入，请稍后再试")
    if code == _SQLITE_READONLY:
        return _("数据库是只读的（文件或磁盘不允许写入）：只能查看，不能保存")
    if code == _SQLITE_IOERR:
        return _("读写数据库文件时出错（磁盘故障或已满）：本次没有写入，请检查磁盘")
    if code == _SQLITE_CORRUPT:
        return _("数据库文件已损坏：请用 branchtui check 检查，用 branchtui restore 从备份恢复")
    if code == _SQLITE_NOTADB:
        return _("数据库文件已损坏或不是 SQLite 文件：请用 branchtui restore 从备份恢复")
    if code == _SQLITE_CANTOPEN:
        return _("无法打开数据库文件（路径不存在或没有权限）")
    return None
