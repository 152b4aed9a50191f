"""Who is at the keyboard: the OS account, or the --as name a forced command
gives — never a variable the person sets (LOGNAME=boss used to work)."""

from __future__ import annotations

import json
import os
import pwd
import sqlite3
import subprocess
import sys

import pytest

from branchtui.domain import identity

BIN = [sys.executable, "-m", "branchtui"]
ME = pwd.getpwuid(os.geteuid()).pw_name


def run(*args, env=None, check=True):
    result = subprocess.run([*BIN, *args], env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def audit_logins(db) -> list[tuple[str, str]]:
    con = sqlite3.connect(str(db))
    try:
        return con.execute('SELECT login, "table" FROM audit ORDER BY id').fetchall()
    finally:
        con.close()


def test_identity_ignores_logname_user_and_branchtui_user(monkeypatch):
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME", "BRANCHTUI_USER"):
        monkeypatch.setenv(name, "boss")
    assert identity.current_login() == ME


def test_logname_does_not_make_a_boss(tmp_path):
    db = tmp_path / "town.db"
    run("init", "--db", str(db))  # makes us (ME) its admin
    env = {"LOGNAME": "boss", "USER": "boss", "BRANCHTUI_USER": "boss"}
    run("user", "add", "mallory", "--role", "viewer", "--db", str(db), env=env)
    assert ("boss", "app_user") not in audit_logins(db)
    assert audit_logins(db).count((ME, "app_user")) == 2


def test_as_is_honoured_for_the_owner_of_the_file(tmp_path):
    db = tmp_path / "town.db"
    run("init", "--db", str(db))  # creates the file, owned by us; we are its admin
    run("user", "add", "admin1", "--role", "admin", "--db", str(db), "--as", ME)
    run("user", "add", "kan", "--role", "viewer", "--db", str(db), "--as", "admin1")
    refused = run("user", "add", "x", "--role", "viewer", "--db", str(db), "--as", "kan", check=False)
    assert refused.returncode == 1 and "管理员" in refused.stderr
    assert [login for login, table in audit_logins(db) if table == "app_user"] == [ME, ME, "admin1", "kan"]
    unknown = run("summary", "--db", str(db), "--as", "stranger", check=False)
    assert unknown.returncode == 1 and "未登记" in unknown.stderr


def test_as_is_refused_when_not_running_as_the_owner(tmp_path):
    db = tmp_path / "town.db"
    run("init", "--db", str(db))  # creates the file, owned by us; we are its admin
    run("user", "add", "admin1", "--role", "admin", "--db", str(db))
    if os.geteuid() == 0:
        os.chown(db, 65534, 65534)  # the data belongs to another account now
        for suffix in ("-wal", "-shm"):
            if os.path.exists(f"{db}{suffix}"):
                os.chown(f"{db}{suffix}", 65534, 65534)
        target = db
    else:
        target = "/etc/passwd"  # owned by root, not by us
    with pytest.raises(identity.IdentityRefused, match="所有者"):
        identity.check_owner_of_file(target)
    refused = run("summary", "--json", "--db", str(target), "--as", "admin1", check=False)
    assert refused.returncode == 1 and "--as" in refused.stderr and not refused.stdout


def test_as_needs_an_existing_database(tmp_path):
    refused = run("summary", "--db", str(tmp_path / "none.db"), "--as", "admin1", check=False)
    assert refused.returncode == 1 and "不存在" in refused.stderr
    assert not (tmp_path / "none.db").exists()


def test_forced_command_runs_only_the_read_only_list(tmp_path):
    db = tmp_path / "town.db"
    run("demo", "--db", str(db), "--today", "2026-11-27")
    run("user", "add", "admin1", "--role", "admin", "--db", str(db), "--as", "admin1")
    forced = ("--db", str(db), "--as", "admin1")
    out = run(*forced, env={"SSH_ORIGINAL_COMMAND": "summary --json --as-of 2026-11-27"}).stdout
    assert json.loads(out)["members"]["total"] == 74
    for command in ("sh -c id", "branchtui --as admin", "summary --db /tmp/x.db", "summary --as admin",
                    "summary --js", "user add x --role admin", "internal-sftp", "scp -t /tmp", "summary 'unclosed"):
        result = run(*forced, env={"SSH_ORIGINAL_COMMAND": command}, check=False)
        assert result.returncode == 126, command
        assert len(result.stderr.strip().splitlines()) == 1 and "summary" in result.stderr, command
    refusals = [row for row in audit_logins(db) if row == ("admin1", "session")]
    assert len(refusals) == 9


def test_as_on_postgresql_needs_the_role_named_like_the_account():
    """On a URL database the owner is the role the connection logs in as:
    here "postgres", while this process runs as another account."""
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="test")
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    if ME == "postgres":
        pytest.skip("running as postgres: the role is ours")
    admin.autocommit = True
    name = "bt_" + os.urandom(6).hex()
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        run("user", "list", "--db", url)  # the schema, 0009 included
        refused = run("summary", "--json", "--db", url, "--as", "admin1", check=False)
        assert refused.returncode == 1 and "postgres" in refused.stderr and not refused.stdout
    finally:
        admin.cursor().execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()
