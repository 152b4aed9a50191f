"""backup, restore and check on a PostgreSQL database (pg_dump custom format),
run as an administrator would, in subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from tests.conftest import TODAY, run_sql


def run(home, *args, check=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHTUI_")}
    env.update(XDG_DATA_HOME=str(home), HOME=str(home), PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "branchtui", *map(str, args)], capture_output=True,
                            text=True, encoding="utf-8", timeout=300, env=env)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def town(pg_server, demo_template):
    """The demo town in a PostgreSQL database of its own (a restore replaces a whole database)."""
    reason = pg_server.unavailable()
    if reason:
        pytest.skip(f"PostgreSQL: {reason}")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (postgresql-client)")
    from branchtui.domain.copy import copy_database
    from branchtui.store.db import open_database

    name = pg_server.create()
    url = pg_server.url(name)
    source, target = open_database(demo_template), open_database(url)
    copy_database(source, target)
    source.close()
    target.close()
    yield url
    pg_server.drop(name)


def figures(home, url):
    return json.loads(run(home, "summary", "--db", url, "--json", "--as-of", TODAY.isoformat()).stdout)


def test_backup_change_restore_check(town, tmp_path):
    home = tmp_path / "home"
    before = figures(home, town)
    out = run(home, "backup", "--db", town).stdout
    saved = out.split()[-1]
    assert saved.startswith(str(home / "branchtui" / "backups")) and saved.endswith(".dump")
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600

    run_sql(town, "UPDATE member SET status = '出党' WHERE id IN (SELECT id FROM member ORDER BY id LIMIT 5)")
    run_sql(town, "UPDATE write_version SET n = n + 1")  # as every write does
    assert figures(home, town) != before

    restored = run(home, "restore", saved, "--db", town)
    assert "另存为" in restored.stdout  # what was there before was saved first
    assert figures(home, town) == before
    assert run(home, "check", "--db", town).returncode == 0
    backups = sorted((home / "branchtui" / "backups").glob("*.dump"))
    assert len(backups) == 2


def test_restore_refuses_junk_and_a_database_in_use(town, tmp_path):
    home = tmp_path / "home"
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"PGDMP but not really" * 100)
    refused = run(home, "restore", junk, "--db", town, check=False)
    assert refused.returncode == 1 and "不能用来恢复" in refused.stderr and "Traceback" not in refused.stderr

    saved = run(home, "backup", "--db", town, "--to", tmp_path / "saved.dump").stdout.split()[-1]
    import psycopg2

    other = psycopg2.connect(town)  # someone is still working
    try:
        busy = run(home, "restore", saved, "--db", town, check=False)
    finally:
        other.close()
    assert busy.returncode == 1 and "其他会话" in busy.stderr
    assert run(home, "restore", saved, "--db", town).returncode == 0


def test_backup_never_overwrites(town, tmp_path):
    home = tmp_path / "home"
    target = tmp_path / "taken.dump"
    target.write_text("mine")
    result = run(home, "backup", "--db", town, "--to", target, check=False)
    assert result.returncode == 1 and "不覆盖" in result.stderr
    assert target.read_text() == "mine"
