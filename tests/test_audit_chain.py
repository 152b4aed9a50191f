"""The audit trail is append-only in the database itself and tamper-evident:
a SHA-256 chain that `branchtui check` verifies, naming the first bad row."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def cli(db_path, *args):
    env = dict(os.environ, BRANCHTUI_LANG="zh")
    return subprocess.run([sys.executable, "-m", "branchtui", *args, "--db", str(db_path)], cwd=ROOT,
                          env=env, capture_output=True, text=True)


@pytest.fixture
def closed_demo(demo_db, db_path):
    demo_db.close()
    return db_path


def test_demo_trail_verifies_and_head_is_printed(closed_demo):
    from branchtui.domain.audit import head, verify_chain
    from branchtui.store.db import open_database

    db = open_database(closed_demo)
    report = verify_chain()
    digest, rows = head()
    db.close()
    assert report.first_bad is None and report.rows == rows > 100
    assert report.head == digest and len(digest) == 64
    out = cli(closed_demo, "audit", "head")
    assert out.returncode == 0, out.stderr
    assert digest in out.stdout and f"{rows} 行" in out.stdout
    assert cli(closed_demo, "check").returncode == 0


def test_the_database_refuses_to_change_or_delete_an_audit_row(closed_demo):
    con = sqlite3.connect(closed_demo)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("UPDATE audit SET login = 'mallory' WHERE id = 3")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("DELETE FROM audit WHERE id = 3")
    finally:
        con.close()


def test_peewee_cannot_delete_audit_rows_either(demo_db):
    from peewee import IntegrityError, InternalError, OperationalError

    from branchtui.store.models import Audit

    count = Audit.select().count()
    with pytest.raises((IntegrityError, InternalError, OperationalError)):  # PostgreSQL's RAISE: InternalError
        Audit.delete().execute()
    assert Audit.select().count() == count


@pytest.mark.parametrize("tamper, bad_row", [
    ("UPDATE audit SET login = 'mallory' WHERE id = 7", 7),
    ("UPDATE audit SET after = after || ' ' WHERE id = 12", 12),
    ("DELETE FROM audit WHERE id = 20", 21),  # the row after a deleted one no longer links
])
def test_check_names_the_first_row_that_does_not_match(closed_demo, tamper, bad_row):
    con = sqlite3.connect(closed_demo)
    with con:
        con.execute("DROP TRIGGER audit_no_update")
        con.execute("DROP TRIGGER audit_no_delete")
        con.execute(tamper)
    con.close()
    out = cli(closed_demo, "check")
    assert out.returncode == 1
    assert f"审计记录 #{bad_row} 与哈希链不符" in out.stdout


def test_new_rows_continue_the_chain(demo_db):
    from branchtui.domain.audit import head, verify_chain
    from branchtui.domain.branches import update_branch
    from tests.conftest import TODAY

    old_head, rows = head()
    update_branch(1, {"name": "居民一支部", "notes": "链"}, today=TODAY)
    new_head, new_rows = head()
    assert new_rows == rows + 1 and new_head != old_head
    assert verify_chain().first_bad is None


def test_migration_hashes_rows_written_before_it(tmp_path):
    """A database of the previous schema gets its existing rows chained."""
    import shutil

    from branchtui.store import migrate as migrate_mod
    from branchtui.store.db import open_database

    mig_dir = tmp_path / "migrations"
    mig_dir.mkdir()
    for path in migrate_mod.MIGRATIONS_DIR.glob("000[1-6]_*.py"):
        shutil.copy(path, mig_dir / path.name)
    path = tmp_path / "old.db"
    old_migrations = migrate_mod.MIGRATIONS_DIR
    migrate_mod.MIGRATIONS_DIR = mig_dir
    try:
        db = open_database(path)
    finally:
        migrate_mod.MIGRATIONS_DIR = old_migrations
    for n in range(3):
        db.execute_sql("INSERT INTO audit (at, login, \"table\", row_id, action, before, after) "
                       "VALUES ('2026-01-0%d 10:00:00', 'old', 'member', %d, 'create', NULL, "
                       "'{\"branch_id\": 2}')" % (n + 1, n + 1))
    db.close()
    db = open_database(path)
    try:
        from branchtui.domain.audit import verify_chain
        from branchtui.store.models import Audit

        assert verify_chain().first_bad is None and verify_chain().rows == 3
        assert {a.branch_id for a in Audit.select()} == {2}
    finally:
        db.close()


def test_postgresql_refuses_changes_to_the_trail_and_chains_it(tmp_path):
    """The same promises on PostgreSQL, in a database of its own."""
    import secrets

    psycopg2 = pytest.importorskip("psycopg2")
    from peewee import DatabaseError

    from branchtui.domain.audit import verify_chain
    from branchtui.domain.branches import create_branch
    from branchtui.store.db import open_database
    from tests.conftest import TODAY

    try:
        admin = psycopg2.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    admin.autocommit = True
    name = f"bt_{secrets.token_hex(6)}"
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        db = open_database(f"postgresql://postgres@127.0.0.1:5432/{name}")
        create_branch({"name": "居民一支部"}, today=TODAY)
        create_branch({"name": "居民二支部"}, today=TODAY)
        report = verify_chain()
        assert report.first_bad is None and report.rows == 3  # the committee and two branches
        for statement in ("UPDATE audit SET login = 'mallory'", "DELETE FROM audit", "TRUNCATE audit"):
            with pytest.raises(DatabaseError, match="append-only"):
                with db.atomic():
                    db.execute_sql(statement)
        db.execute_sql("ALTER TABLE audit DISABLE TRIGGER audit_append_only")
        db.execute_sql("UPDATE audit SET login = 'mallory' WHERE id = 2")
        assert verify_chain().first_bad == 2
        db.close()
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
