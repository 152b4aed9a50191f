"""Backups that count only when sound, and the commands that replace a whole
database (restore, demo --force): admin only, never while another process
has the file open, and recorded in the database that results."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from branchtui.store import maintenance
from branchtui.store.maintenance import MaintenanceError, backup, list_backups
from tests.conftest import TODAY
from tests.test_files_storage import _env, digest, fill, no_traceback, run, tmpfs  # noqa: F401 (fixture)

TODAY_ARG = TODAY.isoformat()


@pytest.fixture(autouse=True)
def no_group(monkeypatch):
    monkeypatch.delenv("BRANCHTUI_GROUP", raising=False)


@pytest.fixture(scope="module")
def town_file(tmp_path_factory):
    home = tmp_path_factory.mktemp("town")
    path = home / "town.db"
    result = run(home, "demo", "--db", path, "--today", TODAY_ARG)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def town(town_file, tmp_path):
    path = tmp_path / "town.db"
    src = sqlite3.connect(str(town_file))
    dst = sqlite3.connect(str(path))
    src.backup(dst)
    src.close()
    dst.close()
    return path


def _corrupt(path):
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(page * 2, len(data), page * 3):
        data[start:start + 12] = b"\xa5" * 12
    path.write_bytes(bytes(data))


def sql(path, query):
    con = sqlite3.connect(str(path))
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


# ------------------------------------------------------------------ backups


def test_a_corrupt_database_never_rotates_a_good_backup_out(town):
    good = [backup(town, keep=2) for _ in range(2)]
    _corrupt(town)
    for _ in range(3):
        with pytest.raises(MaintenanceError, match="完整性|无法读取"):
            backup(town, keep=2)
    assert list_backups(town) == good
    assert all(maintenance.check_file(p) == [] for p in good)
    assert [p.name for p in town.parent.joinpath("backups").iterdir() if p.name.startswith(".")] == []


def test_backup_command_on_a_corrupt_database_fails(town, tmp_path):
    _corrupt(town)
    result = no_traceback(run(tmp_path, "backup", "--db", town, "--to", tmp_path / "copy.db"))
    assert result.returncode == 1
    assert not (tmp_path / "copy.db").exists()


def test_a_full_target_disk_is_blamed_not_the_database(town, tmpfs, tmp_path):
    fill(tmpfs)
    result = no_traceback(run(tmp_path, "backup", "--db", town, "--to", tmpfs))
    assert result.returncode == 1
    assert "备份目标" in result.stderr and "磁盘已满" in result.stderr and "数据库本身没有问题" in result.stderr
    assert sorted(os.listdir(tmpfs)) == ["filler"]  # no half copy


def test_backup_never_writes_through_a_planted_link(town, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "usb.db"
    link.symlink_to(victim)
    with pytest.raises(MaintenanceError, match="已存在"):
        backup(town, to=link)
    dangling = tmp_path / "gone.db"
    dangling.symlink_to(tmp_path / "nowhere.db")
    with pytest.raises(MaintenanceError, match="已存在"):
        backup(town, to=dangling)
    assert victim.read_text() == "keep me" and not (tmp_path / "nowhere.db").exists()


# ---------------------------------------------------- who may replace it all


@pytest.mark.parametrize("command", [["restore", "SAVED"], ["demo", "--force", "--today", TODAY_ARG]])
@pytest.mark.parametrize("role", ["viewer", "committee"])
def test_replacing_the_database_is_for_admins(town, tmp_path, command, role):
    saved = backup(town, to=tmp_path / "saved.db")
    assert run(tmp_path, "user", "add", "office", "--role", "admin", "--db", town).returncode == 0
    assert run(tmp_path, "user", "add", "wang", "--role", role, "--db", town, as_login="office").returncode == 0
    before = sql(town, "SELECT count(*) FROM member")
    args = [str(saved) if a == "SAVED" else a for a in command]
    result = no_traceback(run(tmp_path, *args, "--db", town, as_login="wang"))
    assert result.returncode == 1 and "管理员" in result.stderr
    assert sql(town, "SELECT count(*) FROM member") == before
    assert list(tmp_path.glob("town.db.*.bak")) == []
    refusals = sql(town, "SELECT login, action FROM audit WHERE action = 'refused'")
    assert ("wang", "refused") in refusals


# -------------------------------------------------- while someone has it open


HOLD_OPEN = """
import sys
from branchtui.store.db import open_database
from branchtui.domain.branches import create_branch
import datetime as dt
db = open_database(sys.argv[1], create=False)
create_branch({"name": "居民九支部"}, today=dt.date(2026, 1, 1))  # committed, still in the -wal
print("open", flush=True)
sys.stdin.readline()
from branchtui.store.models import Branch
print(Branch.select().where(Branch.name == "居民九支部").count(), flush=True)
db.close()
"""


@pytest.mark.parametrize("command", [["restore", "SAVED"], ["demo", "--force", "--today", TODAY_ARG]])
def test_refused_while_another_process_has_it_open(town, tmp_path, command):
    saved = backup(town, to=tmp_path / "saved.db")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_OPEN, str(town)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=_env(tmp_path))
    try:
        assert holder.stdout.readline().strip() == "open"
        wal = town.with_name(town.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0
        args = [str(saved) if a == "SAVED" else a for a in command]
        result = no_traceback(run(tmp_path, *args, "--db", town))
        assert result.returncode == 1
        assert "其他会话" in result.stderr and f"进程 {holder.pid}" in result.stderr, result.stderr
        assert wal.exists() and wal.stat().st_size > 0  # never unlinked under the open session
        assert list(tmp_path.glob("town.db.*.bak")) == []
    finally:
        out, err = holder.communicate("go\n")
    assert holder.returncode == 0, err
    assert out.strip() == "1"  # the open session's committed work is all there
    assert sql(town, "SELECT count(*) FROM branch WHERE name = '居民九支部'") == [(1,)]


def test_restore_names_nobody_it_cannot_see_but_still_refuses(town, tmp_path, monkeypatch):
    """Without /proc (another machine on a network share, hidepid) the SQLite
    lock alone still refuses."""
    from branchtui.store.db import open_database
    from branchtui.store.maintenance import RestoreRefused, restore

    saved = backup(town, to=tmp_path / "saved.db")
    monkeypatch.setattr(maintenance, "RESTORE_WAIT_S", 0.1)
    monkeypatch.setattr(maintenance, "other_sessions", lambda path: [])
    db = open_database(town, create=False)
    try:
        from branchtui.store.models import Branch

        Branch.select().count()
        with pytest.raises(RestoreRefused, match="其他会话"):
            restore(town, saved)
    finally:
        db.close()


def test_demo_force_by_an_admin_records_what_it_replaced(town, tmp_path):
    assert run(tmp_path, "user", "add", "boss", "--role", "admin", "--db", town).returncode == 0
    before = digest(town)
    result = no_traceback(run(tmp_path, "demo", "--force", "--today", TODAY_ARG, "--db", town,
                              as_login="boss"))
    assert result.returncode == 0, result.stderr
    aside = next(tmp_path.glob("town.db.*.replaced.bak"))
    assert maintenance.check_file(aside) == [] and digest(aside) != before
    assert sql(aside, "SELECT login FROM app_user") == [("boss",)]  # the old file, whole
    row = sql(town, "SELECT login, action, before, after FROM audit WHERE \"table\" = 'database'")
    assert len(row) == 1 and row[0][:2] == ("boss", "replace") and str(aside) in row[0][2]
    assert sql(town, "SELECT login, role FROM app_user") == [("boss", "admin")]  # the new file's first user
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".town.db")] == []  # build file gone
