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
import errno
import os
import re
import secrets
import shutil
import sqlite3
import urllib.parse
from pathlib import Path

from branchtui.i18n import _
from branchtui.store.db import StorageError

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


class MaintenanceError(StorageError):
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
    """The gid of BRANCHTUI_GROUP, None when it is not set.

    A group that does not exist, or that this account cannot hand files to,
    is refused: falling back to private modes would quietly lock the other
    office accounts out of files (and re-chmod the shared backups folder).
    """
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
        pass
    if name.isdigit():
        try:
            return grp.getgrgid(int(name)).gr_gid
        except KeyError:
            pass
    raise MaintenanceError(_("环境变量 BRANCHTUI_GROUP 指定的用户组“{name}”不存在：请改为已有的组名，"
                             "或取消这个变量（文件将只有自己能读写）").format(name=name))


def _secure(path: Path, private: int, shared: int, fd: int | None = None) -> None:
    gid = _group_id()
    mode = private
    if gid is not None:
        try:
            if fd is None:
                os.chown(path, -1, gid, follow_symlinks=False)
            else:
                os.fchown(fd, -1, gid)
        except OSError as exc:
            raise MaintenanceError(_("无法把 {path} 交给用户组 {gid}（BRANCHTUI_GROUP）：{error}；"
                                     "您需要是该组的成员").format(path=path, gid=gid, error=exc.strerror)) from exc
        mode = shared
    if fd is None:
        os.chmod(path, mode)
    else:
        os.fchmod(fd, mode)


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
    while os.path.lexists(target):
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
        if not os.path.lexists(target):  # a dangling link counts as taken
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


def _integrity(con: sqlite3.Connection) -> str:
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "ok" if rows == ["ok"] else "; ".join(rows[:3])


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def copy_verified(source: sqlite3.Connection, target: Path) -> None:
    """Copy ``source`` (one consistent snapshot, through the backup API) into
    the new file ``target``, self-contained (no -wal), mode 0600/0660.

    The copy is checked with ``integrity_check`` before and after it is
    written; it is written under a random name opened with O_EXCL|O_NOFOLLOW
    and linked to ``target`` only once sound, so a planted link is never
    written through, an existing file is never replaced and a crash or a
    full disk never leaves a half copy under the final name.
    Raises MaintenanceError saying which side failed.
    """
    target = Path(target)
    memory = sqlite3.connect(":memory:")
    try:
        try:
            source.backup(memory)
        except sqlite3.DatabaseError as exc:
            raise MaintenanceError(_("数据库无法读取，未备份（{error}）").format(error=exc)) from exc
        result = _integrity(memory)
        if result != "ok":
            raise MaintenanceError(_("数据库本身未通过完整性检查（{result}），这份副本不算备份，"
                                     "已有的备份都未动").format(result=result))
        data = bytearray(memory.serialize())
    finally:
        memory.close()
    data[18:20] = b"\x01\x01"  # header: rollback journal, not WAL — one file, no -wal beside it
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        raise _target_error(exc, target) from exc
    try:
        try:
            _secure(tmp, 0o600, 0o660, fd=fd)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        check = _connect(tmp, read_only=True)
        try:
            result = _integrity(check)
        finally:
            check.close()
        if result != "ok":
            raise MaintenanceError(_("写到 {path} 的副本读回时未通过完整性检查（{result}）：目标磁盘可能有故障").format(
                path=target, result=result))
        try:
            os.link(tmp, target)  # fails if anything, even a dangling link, has the name
        except FileExistsError:
            raise MaintenanceError(_("目标文件已存在，不会覆盖：{path}").format(path=target)) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise _target_error(exc, target) from exc
            if os.path.lexists(target):  # a file system without hard links (FAT on a USB stick)
                raise MaintenanceError(_("目标文件已存在，不会覆盖：{path}").format(path=target)) from None
            os.rename(tmp, target)
        _fsync_dir(target.parent)
    except OSError as exc:
        raise _target_error(exc, target) from exc
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def _target_error(exc: OSError, target: Path) -> MaintenanceError:
    """Failures writing the copy are the target's: say so, naming its disk."""
    if exc.errno == errno.ENOSPC:
        return MaintenanceError(_("备份目标 {dir} 所在的磁盘已满，副本未保存；数据库本身没有问题").format(
            dir=target.parent))
    return MaintenanceError(_("无法写入备份目标 {path}：{error}").format(
        path=target, error=exc.strerror or exc))


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
            directory.mkdir(mode=0o700)
            secure_dir(directory)  # once, when made: an admin's later chmod/chgrp stays
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
    except sqlite3.Error as exc:
        raise MaintenanceError(_("备份失败：{path} 无法读取（{error}）").format(path=db_path, error=exc)) from exc
    try:
        copy_verified(src, target)
    finally:
        src.close()
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


# ------------------------------------------------------------ who has it open

# SQLite's POSIX locks: every connection holds a shared lock on these bytes
# of the database file (and, in WAL mode, on the -shm's DMS byte) for as
# long as it is open, even idle.
_SHARED_RANGE = (0x40000000 + 2, 510)
_SHM_RANGE = (120, 9)


def other_sessions(db_path: Path) -> list[str]:
    """Who else has the database (or its -wal/-shm) open, as "process 123
    (user zhangsan: branchtui …)"; [] when nobody this account can see.

    Reads /proc (Linux): links only, no file is opened, so the caller's own
    SQLite locks are never disturbed.
    """
    resolved = str(Path(db_path).resolve())
    names = {resolved, resolved + "-wal", resolved + "-shm"}
    me = os.getpid()
    found = []
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit() and int(e.name) != me]
    except OSError:
        return []
    for pid in entries:
        try:
            links = [os.readlink(fd.path) for fd in os.scandir(f"/proc/{pid}/fd")]
        except OSError:  # gone, or another user's process we may not look into
            continue
        if names.intersection(links):
            found.append(_describe_process(int(pid)))
    return found


def _describe_process(pid: int) -> str:
    try:
        import pwd

        user = pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name
    except (ImportError, KeyError, OSError):
        user = "?"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            command = fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        command = ""
    return _("进程 {pid}（用户 {user}：{command}）").format(pid=pid, user=user, command=command[:80])


def _lock_holder(db_path: Path) -> int | None:
    """The pid holding an SQLite lock on the file or its -shm (0 when it cannot
    be told), None when nobody does. Opens the files: call it only with no
    SQLite connection of one's own on them (closing any descriptor drops the
    process's POSIX locks)."""
    import fcntl
    import struct

    get = getattr(fcntl, "F_OFD_GETLK", fcntl.F_GETLK)
    for path, (start, length) in ((Path(db_path), _SHARED_RANGE), (Path(f"{db_path}-shm"), _SHM_RANGE)):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            query = struct.pack("@hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, start, length, 0)
            answer = fcntl.fcntl(fd, get, query)
            kind, _whence, _start, _len, pid = struct.unpack("@hhqqi4x", answer)
        except OSError:
            continue
        finally:
            os.close(fd)
        if kind != fcntl.F_UNLCK:
            return max(pid, 0)
    return None


def _in_use_refusal(db_path: Path, holders: list[str]) -> RestoreRefused:
    who = _("；").join(holders) if holders else _("无法得知是谁")
    return RestoreRefused(
        _("数据库正被其他会话使用（{who}）：请先让他们退出 branchtui，再执行").format(who=who),
        [_("数据库正被其他会话使用")])


# -------------------------------------------------------------------- restore


def _remove_shm(db_path: Path) -> None:
    try:
        Path(f"{db_path}-shm").unlink()
    except FileNotFoundError:
        pass


def restore(db_path: Path, source: Path, *, label: str = "before-restore") -> Path | None:
    """Replace the database with ``source``, after keeping the current one aside.

    Refuses (``RestoreRefused``) a source failing ``check_file``, and a
    database another session still has open, naming the processes it can
    see (the caller must close its own connection first).
    A sound current database: holding an exclusive lock throughout, it
    leaves WAL mode (SQLite folds its -wal in), its content is copied
    (verified) to ``<db dir>/<name>.<stamp>.<label>.bak``, the source is
    copied in with the backup API and the stale -shm deleted.
    A current file too damaged to lock is moved aside as it is (with its
    -wal as ``….bak-wal``) once no process holds it, and the source copied
    into its place. A -wal is never deleted while anyone uses it.
    Returns the file kept aside, or None when there was no database yet.
    """
    db_path, source = Path(db_path), Path(source)
    problems = check_file(source)
    if problems:
        raise RestoreRefused(_("不能恢复 {source}：{problems}").format(source=source, problems=_("；").join(problems)),
                             problems)
    if os.path.lexists(db_path) and source.resolve() == db_path.resolve():
        raise RestoreRefused(_("恢复的来源就是当前数据库本身"), [_("来源与目标是同一个文件")])
    src = _connect(source, read_only=True)
    try:
        if not os.path.lexists(db_path):
            from branchtui.store.db import make_private_dirs

            make_private_dirs(db_path.parent)
            copy_verified(src, db_path)
            return None
        holders = other_sessions(db_path)
        if holders:
            raise _in_use_refusal(db_path, holders)
        try:
            return _restore_over(db_path, src, label)
        except _TooDamaged:
            return _replace_damaged(db_path, src, label)
    finally:
        src.close()


class _TooDamaged(Exception):
    """SQLite cannot even lock the current file."""


def _copy_raw(source: Path, target: Path) -> None:
    """Bytes of a damaged file into a new file of our own (never through a link)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        _secure(target, 0o600, 0o660, fd=fd)
        with open(source, "rb") as fh:
            while chunk := fh.read(1 << 20):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _restore_over(db_path: Path, src: sqlite3.Connection, label: str) -> Path:
    cur = _connect(db_path, timeout=RESTORE_WAIT_S)
    try:
        try:
            # Keep every lock once taken, until this connection closes; the
            # exclusive lock is refused while any other session is connected.
            cur.execute("PRAGMA locking_mode=EXCLUSIVE")
            cur.execute("BEGIN EXCLUSIVE")
            cur.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if (exc.sqlite_errorcode or 0) & 0xFF in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
                raise _in_use_refusal(db_path, other_sessions(db_path)) from exc
            cur.close()
            raise _TooDamaged() from exc
        aside = _free_name(db_path.parent, f"{db_path.name}.{_stamp()}", f".{label}.bak")
        try:
            # Leaving WAL folds the -wal into the file (SQLite deletes it: the lock is ours alone).
            cur.execute("PRAGMA journal_mode=DELETE").fetchone()
            sound = _integrity(cur) == "ok"
        except sqlite3.DatabaseError:  # damaged: restoring is the cure
            sound = False
        if sound:
            copy_verified(cur, aside)
        else:
            _copy_raw(db_path, aside)
            wal = Path(f"{db_path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                _copy_raw(wal, Path(f"{aside}-wal"))
        src.backup(cur)
        ok = _integrity(cur)
        if ok != "ok":
            raise MaintenanceError(_("恢复后的数据库完整性检查未通过（{result}）；原数据库保存在 {aside}").format(
                result=ok, aside=aside))
        # The copied header may say WAL: settle rollback mode while still
        # alone, so that closing leaves no -journal nor -wal behind; the old
        # -shm goes too (nobody can be using it: the lock is ours). The next
        # open_database turns WAL back on.
        cur.execute("PRAGMA journal_mode=DELETE")
        _remove_shm(db_path)
    finally:
        cur.close()
    secure_file(db_path)
    return aside


def _replace_damaged(db_path: Path, src: sqlite3.Connection, label: str) -> Path:
    """The current file is beyond SQLite: move it (and its -wal) aside whole,
    once no process holds an SQLite lock on it, and copy the source in."""
    holder = _lock_holder(db_path)
    if holder is not None:
        seen = other_sessions(db_path)
        raise _in_use_refusal(db_path, seen or ([_describe_process(holder)] if holder else []))
    aside = _free_name(db_path.parent, f"{db_path.name}.{_stamp()}", f".{label}.bak")
    os.rename(db_path, aside)  # same directory: the bytes stay as they were
    wal = Path(f"{db_path}-wal")
    if wal.exists():
        os.rename(wal, f"{aside}-wal")
    _remove_shm(db_path)  # unused: nobody holds its lock
    copy_verified(src, db_path)
    return aside
