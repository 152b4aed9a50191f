"""Keeping the SQLite file safe: backups, candidate checks, restore, file modes.

Standard library only (sqlite3, os): no models, so the CLI can run these
before it opens the database. Every copy goes through SQLite's online backup
API, which reads one consistent snapshot (WAL content included) while other
sessions go on writing.

Files hold ID numbers: they are created 0600, or 0660 for a shared group
when ``BRANCHTUI_GROUP`` names one (the SSH accounts of the office); the
backups directory 0700 / 0770 likewise.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import urllib.parse
from pathlib import Path

from branchtui.i18n import _

GROUP_ENV = "BRANCHTUI_GROUP"
BACKUP_DIR = "backups"
DEFAULT_KEEP = 10
SQLITE_MAGIC = b"SQLite format 3\x00"
HISTORY_TABLE = "schema_migration"
FIRST_MIGRATION = "0001_initial"
BUSY_TIMEOUT_S = 15
# How long restore waits for other sessions to let go of the file.
RESTORE_WAIT_S = 3
MAX_LISTED = 10  # problems of one kind listed before "……"


class MaintenanceError(Exception):
    """A backup or restore could not be done; the message says why, in the interface language."""


class RestoreRefused(MaintenanceError):
    """The candidate file is not a sound branchtui database, or the database is busy.

    ``problems`` lists what was found (the message joins them).
    """

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


# ------------------------------------------------------------------ file modes


def _group_id() -> int | None:
    """The gid of BRANCHTUI_GROUP when it is set and exists, else None."""
    name = os.environ.get(GROUP_ENV, "").strip()
    if not name:
        return None
    try:
        import grp
    except ImportError:  # Windows: no groups to share with
        return None
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        try:
            return grp.getgrgid(int(name)).gr_gid if name.isdigit() else None
        except KeyError:
            return None


def _secure(path: Path, private: int, shared: int) -> None:
    gid = _group_id()
    if gid is not None:
        try:
            os.chown(path, -1, gid)
        except OSError:
            gid = None  # not a member of that group: never open the file to another one
    os.chmod(path, shared if gid is not None else private)


def secure_file(path: Path) -> None:
    """chmod 0600, or 0660 and chgrp BRANCHTUI_GROUP when that group exists."""
    _secure(Path(path), 0o600, 0o660)


def secure_dir(path: Path) -> None:
    """chmod 0700, or 0770 and chgrp BRANCHTUI_GROUP when that group exists."""
    _secure(Path(path), 0o700, 0o770)


# ---------------------------------------------------------------------- names


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def backup_dir(db_path: Path) -> Path:
    """Where backups of ``db_path`` go by default: ``<db dir>/backups``."""
    return Path(db_path).parent / BACKUP_DIR


def _backup_pattern(db_name: str) -> re.Pattern:
    # <name>.<YYYYmmdd-HHMMSS>.db, or <name>.<stamp>-<n>.db for a second one in the same second
    return re.compile(re.escape(db_name) + r"\.(\d{8}-\d{6})(?:-(\d+))?\.db")


def _free_name(directory: Path, stem: str, suffix: str) -> Path:
    """``stem + suffix``, or ``stem-2 + suffix`` … when a file of that name exists."""
    target = directory / f"{stem}{suffix}"
    n = 2
    while target.exists():
        target = directory / f"{stem}-{n}{suffix}"
        n += 1
    return target


def _backups_in(directory: Path, db_name: str) -> list[tuple[tuple[str, int], Path]]:
    """((stamp, n), path) of the backups of ``db_name`` in ``directory``, oldest first."""
    if not directory.is_dir():
        return []
    pattern = _backup_pattern(db_name)
    found = []
    for entry in directory.iterdir():
        match = pattern.fullmatch(entry.name)
        if match and entry.is_file():
            found.append(((match.group(1), int(match.group(2) or 1)), entry))
    return sorted(found)


def _new_backup_name(directory: Path, db_name: str) -> Path:
    """``<name>.<stamp>.db``; a later one in the same second gets ``-2``, ``-3`` …
    after the highest already there, so a new backup always sorts newest."""
    stamp = _stamp()
    taken = [n for (s, n), _path in _backups_in(directory, db_name) if s == stamp]
    n = max(taken) + 1 if taken else 1
    while True:
        target = directory / (f"{db_name}.{stamp}.db" if n == 1 else f"{db_name}.{stamp}-{n}.db")
        if not target.exists():
            return target
        n += 1


def list_backups(db_path: Path) -> list[Path]:
    """The backups of ``db_path`` in its default directory, oldest first."""
    return [path for _key, path in _backups_in(backup_dir(db_path), Path(db_path).name)]


# --------------------------------------------------------------------- copies


def _connect(path: Path, *, read_only: bool = False, timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """A connection; ``read_only`` for a candidate file, which is then never changed.

    Without a -wal beside it the file is opened immutable, so that not even
    a -shm is left next to it; with one, read-only through its WAL.
    """
    if read_only:
        path = Path(path).resolve()
        query = "mode=ro" if Path(f"{path}-wal").exists() else "mode=ro&immutable=1"
        uri = "file:" + urllib.parse.quote(str(path)) + "?" + query
        return sqlite3.connect(uri, uri=True, timeout=timeout)
    return sqlite3.connect(str(path), timeout=timeout)


def _copy_to_new_file(source: sqlite3.Connection, target: Path) -> None:
    """Back ``source`` up into a new self-contained file (no -wal), mode 0600/0660.

    Written under a temporary name and renamed at the end, so a crash never
    leaves a half copy under the final name.
    """
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        secure_file(tmp)
        dst = sqlite3.connect(str(tmp))
        try:
            source.backup(dst)  # all pages in one step: one consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
        finally:
            dst.close()
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            try:
                leftover.unlink()
            except FileNotFoundError:
                pass
        raise


def backup(db_path: Path, to: Path | None = None, keep: int = DEFAULT_KEEP) -> Path:
    """Copy the database with SQLite's online backup API; safe while others write.

    Without ``to`` the copy goes to ``<db dir>/backups/<name>.<YYYYmmdd-HHMMSS>.db``
    and only the newest ``keep`` backups of this database are kept there
    (files named otherwise are never touched). ``to`` may name a new file or
    an existing directory; an existing file is never overwritten.
    Returns the path written.
    """
    db_path = Path(db_path)
    if keep < 1:
        raise ValueError(_("keep 至少为 1"))
    if not db_path.is_file():
        raise MaintenanceError(_("数据库文件不存在：{path}").format(path=db_path))
    prune = False
    if to is None:
        directory = backup_dir(db_path)
        if not directory.exists():
            directory.mkdir(parents=True, mode=0o700)
        secure_dir(directory)
        target = _new_backup_name(directory, db_path.name)
        prune = True
    else:
        to = Path(to)
        if to.is_dir():
            target = _new_backup_name(to, db_path.name)
        elif to.exists() or Path(f"{to}-wal").exists():
            raise MaintenanceError(_("目标文件已存在，不会覆盖：{path}").format(path=to))
        else:
            if not to.parent.is_dir():
                raise MaintenanceError(_("目标目录不存在：{path}").format(path=to.parent))
            target = to
    try:
        src = _connect(db_path)
        try:
            _copy_to_new_file(src, target)
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise MaintenanceError(_("备份失败：{path} 无法读取（{error}）").format(path=db_path, error=exc)) from exc
    if prune:  # the one just written always stays, whatever the clock says
        older = [path for path in list_backups(db_path) if path != target]
        for old in older[:max(0, len(older) - (keep - 1))]:
            old.unlink()
    return target


# --------------------------------------------------------------------- checks


def _listed(problems: list[str], more: int) -> list[str]:
    if more > 0:
        problems.append(_("……另有 {n} 处同类问题").format(n=more))
    return problems


def check_file(path: Path) -> list[str]:
    """What is wrong with a candidate database file (empty list: nothing).

    Opened read-only: the file is not changed.
    """
    path = Path(path)
    if not path.exists():
        return [_("文件不存在：{path}").format(path=path)]
    if not path.is_file():
        return [_("不是普通文件：{path}").format(path=path)]
    try:
        with open(path, "rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        return [_("文件无法读取：{error}").format(error=exc.strerror or exc)]
    if header != SQLITE_MAGIC:
        return [_("不是 SQLite 数据库文件") + (_("（文件为空）") if not header else "")]
    problems: list[str] = []
    try:
        con = _connect(path, read_only=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        return [_("SQLite 无法打开该文件：{error}").format(error=exc)]
    try:
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            return [_("文件已损坏，SQLite 无法读取：{error}").format(error=exc)]
        if rows != ["ok"]:
            problems.extend(_("完整性检查未通过：{row}").format(row=row) for row in rows[:MAX_LISTED])
            _listed(problems, len(rows) - MAX_LISTED)
        try:
            fk = con.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.DatabaseError as exc:
            fk = []
            problems.append(_("外键检查无法完成：{error}").format(error=exc))
        for table, rowid, parent, _fkid in fk[:MAX_LISTED]:
            problems.append(_("外键不一致：表 {table} 第 {rowid} 行引用的 {parent} 记录不存在").format(
                table=table, rowid=rowid, parent=parent))
        _listed(problems, len(fk) - MAX_LISTED)
        try:
            has_history = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (HISTORY_TABLE,)
            ).fetchone() is not None
            applied = ({r[0] for r in con.execute(f"SELECT name FROM {HISTORY_TABLE}")}
                       if has_history else set())
        except sqlite3.DatabaseError as exc:
            problems.append(_("无法读取迁移记录：{error}").format(error=exc))
            return problems
        if not has_history or FIRST_MIGRATION not in applied:
            problems.append(_("不是 branchtui 数据库（没有迁移记录 schema_migration / 0001_initial）"))
        else:
            from branchtui.store.migrate import known_migrations

            unknown = sorted(applied - set(known_migrations()))
            if unknown:
                problems.append(_("该文件由更新版本的 branchtui 写入（未知迁移：{names}），请先升级程序").format(
                    names=_("、").join(unknown)))
    finally:
        con.close()
    return problems


# -------------------------------------------------------------------- restore


def _remove_sidecars(db_path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        try:
            Path(f"{db_path}{suffix}").unlink()
        except FileNotFoundError:
            pass


def restore(db_path: Path, source: Path) -> Path | None:
    """Replace the database with ``source``, after keeping the current one aside.

    Refuses (``RestoreRefused``) a source failing ``check_file``, and a
    database another session still has open (every branchtui program using
    it must be closed first; the caller must close its own connection too).
    Holding an exclusive lock throughout, the database leaves WAL mode
    (SQLite folds its -wal into the file and deletes it), the current content
    is copied with the backup API to ``<db dir>/<name>.<stamp>.before-restore.bak``
    (a damaged one byte for byte, with its -wal as ``….bak-wal``), the source
    is copied in with the backup API, and the stale -shm is deleted.
    Returns the file kept aside, or None when there was no database yet.
    """
    db_path, source = Path(db_path), Path(source)
    problems = check_file(source)
    if problems:
        raise RestoreRefused(_("不能恢复 {source}：{problems}").format(source=source, problems=_("；").join(problems)),
                             problems)
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise RestoreRefused(_("恢复的来源就是当前数据库本身"), [_("来源与目标是同一个文件")])
    src = _connect(source, read_only=True)
    try:
        if not db_path.exists():
            db_path.parent.mkdir(parents=True, exist_ok=True)
            _copy_to_new_file(src, db_path)
            return None
        return _restore_over(db_path, src)
    finally:
        src.close()


def _keep_aside_raw(db_path: Path, aside: Path) -> None:
    """A damaged database cannot go through the backup API: copy its bytes
    (and its -wal, as ``<aside>-wal``) while the exclusive lock is held."""
    shutil.copyfile(db_path, aside)
    secure_file(aside)
    wal = Path(f"{db_path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        shutil.copyfile(wal, f"{aside}-wal")
        secure_file(Path(f"{aside}-wal"))


def _restore_over(db_path: Path, src: sqlite3.Connection) -> Path:
    cur = _connect(db_path, timeout=RESTORE_WAIT_S)
    try:
        try:
            # Keep every lock once taken, until this connection closes; the
            # exclusive lock is refused while any other session is connected.
            cur.execute("PRAGMA locking_mode=EXCLUSIVE")
            cur.execute("BEGIN EXCLUSIVE")
            cur.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise RestoreRefused(
                    _("数据库正被其他会话使用：请先退出所有使用该数据库的 branchtui 程序，再恢复"),
                    [_("数据库正被其他会话使用")]) from exc
            raise MaintenanceError(_("当前数据库无法打开：{error}").format(error=exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise MaintenanceError(
                _("当前数据库文件已损坏到无法加锁（{error}）：请先退出所有 branchtui 程序，"
                  "把 {path} 及同名的 -wal、-shm 文件移到别处，再执行恢复").format(error=exc, path=db_path)) from exc
        aside = _free_name(db_path.parent, f"{db_path.name}.{_stamp()}", ".before-restore.bak")
        try:
            # Leaving WAL folds the -wal into the file (SQLite deletes it).
            cur.execute("PRAGMA journal_mode=DELETE").fetchone()
            sound = True
        except sqlite3.DatabaseError:  # damaged: restoring is the cure
            sound = False
        if sound:
            _copy_to_new_file(cur, aside)
        else:
            _keep_aside_raw(db_path, aside)
        src.backup(cur)
        ok = cur.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise MaintenanceError(_("恢复后的数据库完整性检查未通过（{result}）；原数据库保存在 {aside}").format(
                result=ok, aside=aside))
        # The copied header may say WAL: settle rollback mode while still
        # alone, so that closing leaves no -journal nor -wal behind; the old
        # -shm goes too (nobody can be using it: the lock is ours). The next
        # open_database turns WAL back on.
        cur.execute("PRAGMA journal_mode=DELETE")
        _remove_sidecars(db_path)
    finally:
        cur.close()
    secure_file(db_path)
    return aside
