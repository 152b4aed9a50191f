"""Backups and restores of a PostgreSQL database: pg_dump / pg_restore,
custom format (compressed, restorable table by table).

Like the SQLite backups: each is created exclusively (never through a
planted file or link) owner-only, listed back by ``pg_restore --list`` before
it counts, and only then are the oldest beyond ``keep`` removed; a restore
first saves what is there now, refuses while other sessions are connected,
and replaces everything in one transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from branchtui.i18n import _
from branchtui.store.maintenance import DEFAULT_KEEP, MaintenanceError, RestoreRefused, secure_dir

SUFFIX = ".dump"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise MaintenanceError(_("找不到 {tool}：请安装 PostgreSQL 客户端（postgresql-client）。").format(tool=name))
    return found


def _name(url: str) -> str:
    return urlparse(url).path.lstrip("/") or "postgres"


def backup_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("branchtui", appauthor=False) / "backups"


def _pattern(db: str) -> re.Pattern:
    return re.compile(re.escape(db) + r"\.(\d{8}-\d{6})(?:-(\d+))?" + re.escape(SUFFIX))


def list_backups(url: str, directory: Path | None = None) -> list[Path]:
    """This database's own backups in ``directory``, oldest first."""
    directory = directory or backup_dir()
    pattern = _pattern(_name(url))
    found = []
    for path in directory.glob(_name(url) + ".*" + SUFFIX) if directory.is_dir() else []:
        match = pattern.fullmatch(path.name)
        if match and path.is_file() and not path.is_symlink():
            found.append(((match.group(1), int(match.group(2) or 1)), path))
    return [path for _key, path in sorted(found)]


def _new_file(directory: Path, stem: str) -> tuple[Path, int]:
    """A new file, created here and now (O_EXCL, no link followed), owner only."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        path = directory / (f"{stem}.{stamp}" + (f"-{n}" if n > 1 else "") + SUFFIX)
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue
    raise MaintenanceError(_("无法在 {dir} 建立备份文件").format(dir=directory))


def _dump(url: str, fd: int, path: Path) -> None:
    with os.fdopen(fd, "wb") as out:
        result = subprocess.run([_tool("pg_dump"), "--format=custom", "--dbname", url],
                                stdout=out, stderr=subprocess.PIPE)
    if result.returncode != 0:
        path.unlink(missing_ok=True)
        raise MaintenanceError(_("备份失败：{error}").format(error=result.stderr.decode(errors="replace").strip()))
    problem = verify(path)
    if problem:
        path.unlink(missing_ok=True)
        raise MaintenanceError(_("备份文件无法读回，已删除：{error}").format(error=problem))


def verify(path: Path) -> str | None:
    """None when ``path`` is a whole pg_dump archive of a branchtui database, else why not."""
    result = subprocess.run([_tool("pg_restore"), "--list", str(path)], capture_output=True)
    if result.returncode != 0:
        return result.stderr.decode(errors="replace").strip() or _("不是 pg_dump 备份文件")
    listing = result.stdout.decode(errors="replace")
    if not re.search(r"TABLE DATA \S+ schema_migration ", listing):
        return _("不是 branchtui 数据库的备份")
    return None


def backup(url: str, to: Path | None = None, keep: int = DEFAULT_KEEP) -> Path:
    """pg_dump of ``url`` into a new file: ``to`` (a new file or a directory),
    or the user data directory's backups/, keeping the newest ``keep``."""
    if keep < 1:
        raise MaintenanceError(_("至少要保留 1 份备份"))
    if to is not None and not to.is_dir():
        if to.exists() or to.is_symlink():
            raise MaintenanceError(_("{path} 已存在，不覆盖").format(path=to))
        fd = os.open(to, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        _dump(url, fd, to)
        return to
    directory = to or backup_dir()
    if to is None:
        directory.mkdir(parents=True, exist_ok=True)
        secure_dir(directory)
    path, fd = _new_file(directory, _name(url))
    _dump(url, fd, path)
    if to is None:
        for old in list_backups(url, directory)[:-keep]:
            old.unlink()
    return path


def _other_sessions() -> int:
    from branchtui.store.db import database

    return database.execute_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchone()[0]


def restore(url: str, source: Path) -> Path:
    """Replace the database at ``url`` with the backup ``source``; returns the
    backup of what was there before (made first). Refused while anyone else
    is connected; all or nothing (one transaction)."""
    from branchtui.store.db import database, open_database

    if not source.is_file():
        raise RestoreRefused(_("找不到备份文件 {path}").format(path=source))
    problem = verify(source)
    if problem:
        raise RestoreRefused(_("{path} 不能用来恢复：{problem}").format(path=source, problem=problem), [problem])
    open_database(url, migrate=False)
    try:
        if _other_sessions():
            raise RestoreRefused(_("还有其他会话连着这个数据库，请他们退出后再恢复。"))
    finally:
        database.close()
    aside = backup(url, keep=DEFAULT_KEEP)
    result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction",
                             "--exit-on-error", "--dbname", url, str(source)], capture_output=True)
    if result.returncode != 0:
        raise MaintenanceError(_("恢复失败，数据库未改动：{error}").format(
            error=result.stderr.decode(errors="replace").strip()))
    return aside
