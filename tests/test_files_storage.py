"""Bad files, full disks, read-only media and busy databases, as a tester
would try them: each ends in a clear message, a non-zero exit for a command,
no traceback, and the data as it was."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import TODAY

TODAY_ARG = TODAY.isoformat()


# ------------------------------------------------------------------ helpers


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHTUI_")}
    env.update(XDG_DATA_HOME=str(tmp_path / "xdg"), HOME=str(tmp_path), PYTHONIOENCODING="utf-8",
               COLUMNS="200")
    env.update(extra)
    return env


def run(tmp_path, *args, umask=None, as_login=None, **extra):
    """The CLI in a child process; ``as_login``: act as that registered user (``--as``,
    honoured since the test runs as the file's owner)."""
    who = ["--as", as_login] if as_login else []
    return subprocess.run([sys.executable, "-m", "branchtui", *who, *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=_env(tmp_path, **extra),
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def no_traceback(result):
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _mount(*args) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _umount(path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.fixture
def tmpfs(tmp_path):
    """A small file system of its own, to fill up."""
    where = tmp_path / "small"
    where.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=8m", "tmpfs", str(where)):
        pytest.skip("cannot mount a tmpfs here (not root?)")
    try:
        yield where
    finally:
        _umount(where)


def fill(directory) -> None:
    """Write until the disk says no."""
    with open(directory / "filler", "wb", buffering=0) as fh:
        block = b"\0" * 65536
        with contextlib.suppress(OSError):
            while True:
                fh.write(block)

        with contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * 512)



@pytest.fixture
def read_only_mount(tmp_path):
    """(writable source dir, read-only view of it): a bind mount remounted read-only
    (chmod would not stop root)."""
    source, view = tmp_path / "src", tmp_path / "ro"
    source.mkdir()
    view.mkdir()
    if not _mount("--bind", str(source), str(view)):
        pytest.skip("cannot bind-mount here (not root?)")
    try:
        if not _mount("-o", "remount,ro,bind", str(view)):
            pytest.skip("cannot remount read-only here")
        yield source, view
    finally:
        _umount(view)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    """The demo town as a file, built once."""
    home = tmp_path_factory.mktemp("town")
    path = home / "town.db"
    result = run(home, "demo", "--db", path, "--today", TODAY_ARG)
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(str(path))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


# ------------------------------------------------------- missing database


@pytest.mark.parametrize("command", [["summary"], ["summary", "--json"], ["check"], ["backup"],
                                     ["user", "list"], ["user", "add", "x", "--role", "admin"]])
def test_a_missing_database_is_never_created(tmp_path, command):
    path = tmp_path / "nodir" / "typo.db"
    result = no_traceback(run(tmp_path, *command, "--db", path))
    assert result.returncode != 0
    assert str(path) in result.stderr and "init" in result.stderr
    assert not path.parent.exists()


def test_the_tui_without_a_terminal_does_not_create_one(tmp_path):
    path = tmp_path / "typo.db"
    result = no_traceback(run(tmp_path, "--db", path))
    assert result.returncode != 0 and str(path) in result.stderr
    assert not path.exists()


def test_init_creates_private_directories_and_makes_its_maker_admin(tmp_path):
    path = tmp_path / "a" / "b" / "town.db"
    result = run(tmp_path, "init", "--db", path, umask=0)
    assert result.returncode == 0, result.stderr
    maker = pwd.getpwuid(os.geteuid()).pw_name  # the account that ran it: identity is never an env variable
    assert maker in result.stdout
    assert [oct(os.stat(p).st_mode & 0o777) for p in (tmp_path / "a", tmp_path / "a" / "b", path)] == \
        ["0o700", "0o700", "0o600"]
    listing = run(tmp_path, "user", "list", "--db", path)
    assert listing.returncode == 0 and listing.stdout.split()[:2] == [maker, "管理员"]
    assert run(tmp_path, "check", "--db", path).returncode == 0
    again = no_traceback(run(tmp_path, "init", "--db", path))
    assert again.returncode == 1 and "已存在" in again.stderr


# ---------------------------------------------------------------- bad files


def _truncated(town, path):
    path.write_bytes(town.read_bytes()[: town.stat().st_size // 3])


def _text(town, path):
    path.write_text("党员名册\n张三, 李四\n", encoding="utf-8")


def _foreign(town, path):
    con = sqlite3.connect(str(path))
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO invoices (total) VALUES (12.5)")
    con.commit()
    con.close()


@pytest.mark.parametrize("make, words", [(_truncated, "损坏"), (_text, "不是 SQLite"), (_foreign, "其他程序")])
@pytest.mark.parametrize("command", [["summary"], ["check"], ["user", "add", "x", "--role", "admin"]])
def test_a_bad_file_gets_a_message_and_stays_as_it_was(tmp_path, town, make, words, command):
    path = tmp_path / "bad.db"
    make(town, path)
    before = digest(path)
    result = no_traceback(run(tmp_path, *command, "--db", path))
    assert result.returncode == 1 and words in result.stderr, result.stderr
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("bad.db")) == ["bad.db"]


def test_a_directory_as_the_database(tmp_path):
    result = no_traceback(run(tmp_path, "summary", "--db", tmp_path))
    assert result.returncode == 1 and "目录" in result.stderr


def test_restore_mends_a_truncated_current_file(tmp_path, town):
    path = tmp_path / "town.db"
    shutil.copy(town, path)
    saved = tmp_path / "saved.db"
    assert run(tmp_path, "backup", "--db", path, "--to", saved).returncode == 0
    _truncated(town, path)
    broken = digest(path)
    result = no_traceback(run(tmp_path, "restore", saved, "--db", path))
    assert result.returncode == 0, result.stderr
    aside = next(tmp_path.glob("town.db.*.before-restore.bak"))
    assert digest(aside) == broken
    assert run(tmp_path, "check", "--db", path).returncode == 0
    con = sqlite3.connect(str(path))
    try:
        row = con.execute('SELECT login, action, before FROM audit WHERE "table" = \'database\' '
                          "ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    maker = pwd.getpwuid(os.geteuid()).pw_name  # who ran it: the OS account, never an env variable
    assert row[0] == maker and row[1] == "restore" and str(aside) in row[2]


# --------------------------------------------------------------- read-only


def test_a_read_only_mount_reads_and_refuses_writes(town, read_only_mount, tmp_path):
    source, view = read_only_mount
    shutil.copy(town, source / "town.db")
    path = view / "town.db"
    before = digest(path)
    summary = no_traceback(run(tmp_path, "summary", "--db", path, "--json", "--as-of", TODAY_ARG))
    assert summary.returncode == 0 and '"branches": 8' in summary.stdout
    assert run(tmp_path, "check", "--db", path).returncode == 0
    write = no_traceback(run(tmp_path, "user", "add", "x", "--role", "admin", "--db", path))
    assert write.returncode == 1 and "只读" in write.stderr
    assert digest(path) == before and sorted(os.listdir(source)) == ["town.db"]


@pytest.fixture
def immutable(tmp_path, town):
    path = tmp_path / "imm" / "town.db"
    path.parent.mkdir()
    shutil.copy(town, path)
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not supported here")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)


def test_an_immutable_file_reads_and_refuses_writes(immutable, tmp_path):
    before = digest(immutable)
    summary = no_traceback(run(tmp_path, "summary", "--db", immutable, "--json", "--as-of", TODAY_ARG))
    assert summary.returncode == 0 and '"branches": 8' in summary.stdout
    write = no_traceback(run(tmp_path, "user", "add", "x", "--role", "admin", "--db", immutable))
    assert write.returncode == 1 and "只读" in write.stderr
    assert digest(immutable) == before


async def test_the_tui_header_says_read_only(town, read_only_mount):
    from textual.widgets import Header

    from branchtui.store.db import open_database, is_read_only
    from branchtui.tui.app import BranchApp
    from tests.tui.conftest import settle

    source, view = read_only_mount
    shutil.copy(town, source / "town.db")
    db = open_database(view / "town.db", create=False)
    try:
        assert is_read_only()
        app = BranchApp(today=TODAY, keymap={})
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "只读" in app.title
            header = app.screen.query_one(Header)
            assert "只读" in str(header.screen_title)
    finally:
        db.close()


# --------------------------------------------------------------- disk full


def test_a_full_disk_on_a_command(tmp_path, tmpfs, town):
    path = tmpfs / "town.db"
    shutil.copy(town, path)
    assert run(tmp_path, "user", "list", "--db", path).returncode == 0  # opened once, settled
    fill(tmpfs)
    result = no_traceback(run(tmp_path, "user", "add", "newadmin", "--role", "admin", "--db", path))
    assert result.returncode == 1 and "磁盘已满" in result.stderr, result.stderr
    (tmpfs / "filler").unlink()
    listing = run(tmp_path, "user", "list", "--db", path)
    assert "newadmin" not in listing.stdout
    assert run(tmp_path, "check", "--db", path).returncode == 0


def test_a_full_disk_mid_session_is_told_as_such(tmpfs, town):
    """SQLite rolls back by itself; peewee's rollback used to raise "cannot
    rollback - no transaction is active" and hide the cause."""
    import datetime as dt

    from branchtui.domain.branches import create_branch
    from branchtui.store.db import is_disk_full, open_database, storage_problem
    from branchtui.store.models import Branch

    shutil.copy(town, tmpfs / "town.db")
    db = open_database(tmpfs / "town.db", create=False)
    try:
        count = Branch.select().count()
        fill(tmpfs)
        with pytest.raises(Exception) as info:
            for n in range(50):  # the WAL may have room for a page or two
                create_branch({"name": f"新{n}支部", "notes": "长" * 400}, today=dt.date(2026, 1, 1))
        assert is_disk_full(info.value) and "磁盘已满" in storage_problem(info.value)
        assert "rollback" not in str(info.value)
        (tmpfs / "filler").unlink()
        created = Branch.select().count() - count
        assert created < 50
    finally:
        db.close()


async def test_the_tui_keeps_what_was_typed_on_a_full_disk(tmpfs, town):
    from textual.widgets import Input

    from branchtui.store.db import open_database
    from branchtui.store.models import Branch
    from branchtui.tui.app import BranchApp
    from tests.tui.conftest import settle, type_text

    shutil.copy(town, tmpfs / "town.db")
    db = open_database(tmpfs / "town.db", create=False)
    try:
        before = Branch.select().count()
        app = BranchApp(today=TODAY, keymap={})
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f3")
            await settle(pilot)
            await pilot.press("f9")
            await settle(pilot)
            form = app.screen
            await type_text(pilot, "居民九支部")
            form.widget("notes").focus()
            await type_text(pilot, "满" * 300)
            fill(tmpfs)
            await pilot.press("ctrl+s")
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert any("磁盘已满" in m for m in messages), messages
            assert app.screen is form
            assert form.query_one("#field-name", Input).value == "居民九支部"
        (tmpfs / "filler").unlink()
        assert Branch.select().count() == before
    finally:
        db.close()


# ------------------------------------------------------------------- busy


HOLD_WRITE_LOCK = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
sys.stdin.readline()
con.execute("ROLLBACK")
"""


def test_busy_is_told_by_its_error_code(tmp_path, town):
    import datetime as dt

    from branchtui.domain.branches import create_branch
    from branchtui.store.db import database, is_busy, open_database, storage_problem

    path = tmp_path / "town.db"
    shutil.copy(town, path)
    db = open_database(path, create=False)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        database.execute_sql("PRAGMA busy_timeout = 50")  # not 15 s: the answer is the same
        with pytest.raises(Exception) as info:
            create_branch({"name": "居民九支部"}, today=dt.date(2026, 1, 1))
        assert is_busy(info.value)
        assert "正忙" in storage_problem(info.value)
    finally:
        holder.communicate("done\n")
        db.close()


def test_messages_come_in_english_too(tmp_path):
    result = no_traceback(run(tmp_path, "--lang", "en", "summary", "--db", tmp_path / "typo.db"))
    assert result.returncode == 1 and "No database at" in result.stderr


