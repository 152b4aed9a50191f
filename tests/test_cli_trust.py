"""The trust commands as an administrator would use them: backup, restore,
check, users. backup → change → restore gives back the same summary --json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = [sys.executable, "-m", "branchtui"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    return {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config")}


def run(env, *args, check=True):
    result = subprocess.run([*BIN, *args], env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def summary(env, db) -> dict:
    return json.loads(run(env, "summary", "--db", str(db), "--json", "--as-of", "2026-11-27").stdout)


def test_backup_change_restore_gives_back_the_same_summary(env, tmp_path):
    db = tmp_path / "town.db"
    run(env, "demo", "--db", str(db), "--today", "2026-11-27")
    before = summary(env, db)
    out = run(env, "backup", "--db", str(db)).stdout
    backup = Path(out.split()[-1])
    assert backup.exists() and oct(backup.stat().st_mode & 0o777) == "0o600"

    change = ("from branchtui.store.db import open_database; open_database(%r);"
              "from branchtui.domain.members import create_member;"
              "from branchtui.domain.idcard import make_id_number; import datetime as dt;"
              "create_member({'branch': 1, 'name': '新人', 'join_date': '2010-07-01', 'full_date': '2011-07-01',"
              "'id_number': make_id_number('410402', dt.date(1980, 1, 2), 777)}, today=dt.date(2026, 11, 27))" % str(db))
    subprocess.run([sys.executable, "-c", change], env=env, check=True)
    assert summary(env, db)["members"]["total"] == before["members"]["total"] + 1

    restored = run(env, "restore", str(backup), "--db", str(db))
    assert "before-restore" in restored.stdout
    assert summary(env, db) == before
    assert run(env, "check", "--db", str(db)).returncode == 0


def test_restore_refuses_what_is_not_a_branchtui_database(env, tmp_path):
    db = tmp_path / "town.db"
    run(env, "demo", "--db", str(db), "--today", "2026-11-27")
    junk = tmp_path / "junk.db"
    junk.write_text("这不是数据库")
    result = run(env, "restore", str(junk), "--db", str(db), check=False)
    assert result.returncode == 1 and "SQLite" in result.stderr
    assert summary(env, db)["members"]["total"] == 74, "the current file is untouched"


def test_users_and_a_secretary_refused_restore(env, tmp_path):
    db = tmp_path / "town.db"
    run(env, "demo", "--db", str(db), "--today", "2026-11-27")
    admin = ("--db", str(db), "--as", "admin1")
    lisi = ("--db", str(db), "--as", "lisi")
    run(env, "user", "add", "admin1", "--role", "admin", *admin)
    run(env, "user", "add", "lisi", "--role", "secretary", "--branch", "居民一支部", *admin)
    listing = run(env, "user", "list", *admin).stdout
    assert "lisi" in listing and "居民一支部" in listing
    backup = Path(run(env, "backup", *admin).stdout.split()[-1])
    refused = run(env, "restore", str(backup), *lisi, check=False)
    assert refused.returncode == 1 and "管理员" in refused.stderr
    refused = run(env, "user", "add", "wang", "--role", "admin", *lisi, check=False)
    assert refused.returncode == 1
    run(env, "user", "remove", "lisi", *admin)
    assert "lisi" not in run(env, "user", "list", *admin).stdout
