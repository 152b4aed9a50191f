"""``branchtui copy``: a town moved from its SQLite file onto PostgreSQL and back,
as an administrator would, in subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import TODAY, run_sql

TABLES = ("committee", "branch", "member", "loan", "repayment", "activity", "audit", "write_version")


def run(*args, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHTUI_")}
    env.update(XDG_DATA_HOME=str(home), HOME=str(home), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "branchtui", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", timeout=300, env=env)


def summary(target, home):
    result = run("summary", "--db", target, "--json", "--as-of", TODAY.isoformat(), home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def trail(target):
    rows = run_sql(target, 'SELECT id, at, login, "table", row_id, action, before, after FROM audit ORDER BY id')
    return [(i, str(at)[:26], *rest) for i, at, *rest in rows]


def counts(target):
    return {table: run_sql(target, f'SELECT count(*) FROM "{table}"')[0][0] for table in TABLES}


@pytest.fixture
def pg_target(pg_server):
    """A new, empty PostgreSQL database (not even migrated), dropped afterwards."""
    reason = pg_server.unavailable()
    if reason:
        pytest.skip(f"PostgreSQL: {reason}")
    name = pg_server.create()
    yield pg_server.url(name)
    pg_server.drop(name)


def test_a_town_to_postgresql_and_back(demo_template, pg_target, tmp_path):
    town = shutil.copy(demo_template, tmp_path / "town.db")
    moved = run("copy", "--from", town, "--to", pg_target, "--as-of", TODAY.isoformat(), home=tmp_path)
    assert moved.returncode == 0, moved.stderr
    assert "已核对" in moved.stdout
    assert counts(pg_target) == counts(town)
    assert summary(pg_target, tmp_path) == summary(town, tmp_path)
    assert trail(pg_target) == trail(town)

    # The ids go on where they were: the next member on the server gets the next id.
    code = (
        "import datetime as dt, sys\n"
        "from branchtui.store.db import open_database\n"
        "from branchtui.domain.idcard import make_id_number\n"
        "from branchtui.domain.members import create_member\n"
        "open_database(sys.argv[1])\n"
        "m = create_member({'branch': 1, 'name': '新党员', 'join_date': '2015-07-01',\n"
        "    'id_number': make_id_number('410402', dt.date(1990, 1, 2), 501)}, today=dt.date(2026, 11, 27))\n"
        "print(m.id)\n")
    added = subprocess.run([sys.executable, "-c", code, pg_target], capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    assert int(added.stdout) == run_sql(town, "SELECT max(id) FROM member")[0][0] + 1

    back = tmp_path / "back.db"
    returned = run("copy", "--from", pg_target, "--to", back, "--as-of", TODAY.isoformat(), home=tmp_path)
    assert returned.returncode == 0, returned.stderr
    assert counts(back) == counts(pg_target)
    assert summary(back, tmp_path) == summary(pg_target, tmp_path)
    assert trail(back) == trail(pg_target)

    before = counts(pg_target)
    again = run("copy", "--from", town, "--to", pg_target, home=tmp_path)
    assert again.returncode == 1
    assert "已有数据" in again.stderr and "Traceback" not in again.stderr
    assert counts(pg_target) == before


def test_copy_refuses_a_missing_source_and_a_full_target(demo_template, tmp_path):
    town = shutil.copy(demo_template, tmp_path / "town.db")
    missing = run("copy", "--from", tmp_path / "typo.db", "--to", tmp_path / "new.db", home=tmp_path)
    assert missing.returncode == 1 and "typo.db" in missing.stderr
    assert not (tmp_path / "new.db").exists()

    other = shutil.copy(demo_template, tmp_path / "other.db")
    before = counts(other)
    full = run("copy", "--from", town, "--to", other, home=tmp_path)
    assert full.returncode == 1 and "已有数据" in full.stderr
    assert counts(other) == before


def test_sqlite_to_sqlite_copy_is_whole(demo_template, tmp_path):
    town = shutil.copy(demo_template, tmp_path / "town.db")
    result = run("copy", "--from", town, "--to", tmp_path / "copy.db", "--as-of", TODAY.isoformat(),
                 home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert trail(tmp_path / "copy.db") == trail(town)
    assert summary(tmp_path / "copy.db", tmp_path) == summary(town, tmp_path)
