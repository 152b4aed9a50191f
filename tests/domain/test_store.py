"""The store: money at rest, SQLite pragmas, migrations (on both stores)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import threading
from decimal import Decimal

import pytest

from tests.conftest import TODAY

from branchtui.store import migrate as migrate_mod
from branchtui.store.db import DatabaseTooNew, open_database
from branchtui.store.fields import from_fen, to_fen


# --------------------------------------------------------------------- money


def _branch(name="居民一支部"):
    from branchtui.domain.branches import create_branch

    return create_branch({"name": name}, today=TODAY)


def _raw_cost(db, room_id):
    """The stored value and its type: an integer column on either store."""
    from peewee import SqliteDatabase

    typeof = "typeof" if isinstance(db, SqliteDatabase) else "pg_typeof"
    value, kind = db.execute_sql(
        f"SELECT build_cost, {typeof}(build_cost) FROM room WHERE id = {db.param}", (room_id,)
    ).fetchone()
    return value, "integer" if kind in ("integer", "bigint") else kind


@pytest.mark.parametrize(
    "yuan, fen",
    [
        (Decimal("16000.00"), 1600000),
        (Decimal("0.01"), 1),
        (Decimal("12.34"), 1234),
        (Decimal("0.125"), 13),  # half up, not half even (0.12)
        (Decimal("0.135"), 14),
        (Decimal("2.675"), 268),
        (Decimal("0.004"), 0),
        (0, 0),
        ("7.5", 750),
    ],
)
def test_money_field_stores_integer_fen(db, yuan, fen):
    from branchtui.store.models import Room

    branch = _branch()
    room = Room.create(branch=branch, name="活动室", build_cost=yuan)
    value, kind = _raw_cost(db, room.id)
    assert kind == "integer"
    assert value == fen
    reread = Room.get_by_id(room.id).build_cost
    assert isinstance(reread, Decimal)
    assert reread == Decimal(fen) / 100
    assert reread.as_tuple().exponent == -2  # always to the fen


def test_money_round_half_up_reads_back_013(db):
    from branchtui.store.models import Room

    room = Room.create(branch=_branch(), name="活动室", build_cost=Decimal("0.125"))
    assert str(Room.get_by_id(room.id).build_cost) == "0.13"


def test_money_field_refuses_float(db):
    from branchtui.store.models import Room

    branch = _branch()
    with pytest.raises(TypeError):
        Room.create(branch=branch, name="活动室", build_cost=1.5)
    assert Room.select().count() == 0


def test_to_fen_and_from_fen():
    assert to_fen(Decimal("0.125")) == 13
    assert to_fen(Decimal("-0.125")) == -13  # half up = away from zero
    assert to_fen("3000") == 300000
    assert from_fen(13) == Decimal("0.13")
    assert str(from_fen(1600000)) == "16000.00"
    for fen in (0, 1, 99, 100, 123456789):
        assert to_fen(from_fen(fen)) == fen


# -------------------------------------------------------------------- pragmas


def _pragmas(db):
    return {
        name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
    }


def _check_pragmas(values):
    assert str(values["journal_mode"]).lower() == "wal"
    assert values["foreign_keys"] == 1
    assert values["busy_timeout"] > 0
    assert values["synchronous"] == 2  # FULL: the last commits survive a power cut


@pytest.mark.sqlite_only
def test_sqlite_pragmas_on_fresh_connection(db):
    db.close()
    db.connect()
    _check_pragmas(_pragmas(db))


@pytest.mark.sqlite_only
def test_sqlite_pragmas_in_another_thread(db):
    """Peewee keeps one connection per thread: a worker's own connection too."""
    result = {}

    def worker():
        try:
            result["values"] = _pragmas(db)
        finally:
            db.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    _check_pragmas(result["values"])


def test_foreign_keys_enforced(db):
    from peewee import IntegrityError

    from branchtui.store.models import Room

    with pytest.raises(IntegrityError):
        Room.create(branch=9999, name="无主活动室")


# ----------------------------------------------------------------- migrations


def _history(path):
    con = sqlite3.connect(str(path))
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM schema_migration"))
    finally:
        con.close()


def _tables(path):
    con = sqlite3.connect(str(path))
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def _backups(path):
    return sorted(path.parent.glob(path.name + "*.bak"))


def test_new_file_gets_history_with_every_migration(db, db_path):
    db.close()
    assert _history(db_path) == migrate_mod.known_migrations()
    assert _history(db_path)[0] == "0001_initial"
    assert {"committee", "branch", "member", "room", "audit", "schema_migration"} <= _tables(db_path)
    assert _backups(db_path) == []  # nothing to back up on a brand new file


def test_reopening_applies_nothing_and_makes_no_backup(db, db_path):
    _branch()
    db.close()
    again = open_database(db_path)
    try:
        assert migrate_mod.ensure_schema(again, db_path) == []
        from branchtui.store.models import Branch

        assert Branch.select().count() == 1
    finally:
        again.close()
    assert _history(db_path) == migrate_mod.known_migrations()
    assert _backups(db_path) == []


def test_database_too_new_is_refused(db, db_path):
    db.execute_sql("INSERT INTO schema_migration (name, applied) VALUES (?, ?)",
                   ("0999_from_the_future", dt.datetime(2030, 1, 1)))
    db.close()
    with pytest.raises(DatabaseTooNew) as info:
        open_database(db_path)
    message = str(info.value)
    assert "0999_from_the_future" in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)  # Chinese, for the user
    assert "升级" in message
    assert _backups(db_path) == []


MIGRATION_0002 = '''
from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Meeting(Base):
        title = CharField(max_length=60)

    db.create_tables([Meeting])
'''


def test_pending_migration_backs_up_first(tmp_path, monkeypatch):
    mig_dir = tmp_path / "migrations"
    mig_dir.mkdir()
    # The audit chain's columns (0007) are what every domain write needs.
    for name in ("0001_initial.py", "0007_audit_chain.py"):
        shutil.copy(migrate_mod.MIGRATIONS_DIR / name, mig_dir / name)
    monkeypatch.setattr(migrate_mod, "MIGRATIONS_DIR", mig_dir)

    path = tmp_path / "data" / "town.db"
    first = open_database(path)
    # Rows as the 0001 schema takes them (the domain of today writes to later tables too).
    first.execute_sql("INSERT INTO committee (name) VALUES ('镇党委')")
    first.execute_sql("INSERT INTO branch (committee_id, name, name_pinyin, name_initials, community, phone, notes)"
                      " VALUES (1, '居民二支部', '', '', '', '', '')")
    first.close()
    assert _history(path) == ["0001_initial", "0007_audit_chain"]
    assert _backups(path) == []

    (mig_dir / "0008_meeting.py").write_text(MIGRATION_0002, encoding="utf-8")
    second = open_database(path)
    try:
        from branchtui.store.models import Branch

        assert Branch.select().count() == 1  # data survives the upgrade
    finally:
        second.close()
    assert _history(path) == ["0001_initial", "0007_audit_chain", "0008_meeting"]
    assert "meeting" in _tables(path)

    backups = _backups(path)
    assert len(backups) == 1
    assert "0008_meeting" in backups[0].name
    # The copy is a valid SQLite database holding the state before the upgrade.
    con = sqlite3.connect(str(backups[0]))
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [r[0] for r in con.execute("SELECT name FROM schema_migration")] == \
            ["0001_initial", "0007_audit_chain"]
        assert con.execute("SELECT name FROM branch").fetchall() == [("居民二支部",)]
        assert "meeting" not in {r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()

    # and a third opening has nothing left to do
    third = open_database(path)
    third.close()
    assert len(_backups(path)) == 1


# ------------------------------------------------------- migrations, both stores


def test_migrations_applied_once_and_reopening_applies_nothing(db, db_target):
    assert sorted(r[0] for r in db.execute_sql("SELECT name FROM schema_migration")) == \
        migrate_mod.known_migrations()
    _branch()
    db.close()
    again = open_database(db_target)
    try:
        assert migrate_mod.ensure_schema(again, None) == []
        from branchtui.store.models import Branch

        assert Branch.select().count() == 1
    finally:
        again.close()


def test_database_too_new_is_refused_on_either_store(db, db_target):
    db.execute_sql(f"INSERT INTO schema_migration (name, applied) VALUES ({db.param}, {db.param})",
                   ("0999_from_the_future", dt.datetime(2030, 1, 1)))
    db.close()
    with pytest.raises(DatabaseTooNew, match="0999_from_the_future"):
        open_database(db_target)
