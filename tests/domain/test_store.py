"""The store: money at rest, SQLite pragmas, migrations, and a PostgreSQL smoke test."""

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
    return db.execute_sql(
        "SELECT build_cost, typeof(build_cost) FROM room WHERE id = ?", (room_id,)
    ).fetchone()


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


def test_sqlite_pragmas_on_fresh_connection(db):
    db.close()
    db.connect()
    _check_pragmas(_pragmas(db))


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
    _branch("居民二支部")
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


# ----------------------------------------------------------------- PostgreSQL

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
def _app_tables() -> str:
    from branchtui.store.models import ALL_MODELS

    return ", ".join([m._meta.table_name for m in ALL_MODELS] + ["schema_migration"])


APP_TABLES = _app_tables()


def _drop_app_tables(pg):
    pg.execute_sql(f"DROP TABLE IF EXISTS {APP_TABLES} CASCADE")


@pytest.fixture
def pg():
    pytest.importorskip("psycopg2")
    from peewee import OperationalError
    from playhouse.db_url import connect

    probe = connect(PG_URL)
    try:
        probe.connect()
    except OperationalError as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    _drop_app_tables(probe)
    probe.close()
    database = open_database(PG_URL)
    yield database
    if not database.is_closed():
        try:
            database.rollback()
        except Exception:
            pass
    _drop_app_tables(database)
    database.close()


def test_postgresql_smoke(pg):
    from branchtui.domain.branches import create_branch, update_branch
    from branchtui.domain.idcard import make_id_number
    from branchtui.domain.members import create_member, search_members
    from branchtui.domain.summary import town_summary
    from branchtui.store.models import Audit, Branch

    branch = create_branch({"name": "居民一支部", "community": "一区居委会"}, today=TODAY)
    member = create_member({
        "branch": branch.id, "name": "张彩风", "gender": "女",
        "birth_date": dt.date(1965, 4, 2),
        "id_number": make_id_number("410402", dt.date(1965, 4, 2), 12),
        "join_date": dt.date(1990, 7, 1), "full_date": dt.date(1991, 7, 1),
    }, today=TODAY)
    update_branch(branch.id, {"name": "居民一支部", "community": "一区居委会",
                              "secretary": member.id}, today=TODAY)

    summary = town_summary(TODAY).to_json()
    assert summary["branches"] == 1
    assert summary["members"] == {"total": 1, "full": 1, "probationary": 0}
    assert Branch.get_by_id(branch.id).secretary_id == member.id
    assert [r.name for r in search_members("zcf")] == ["张彩风"]
    assert Audit.select().count() >= 3  # committee, branch, member, branch update
    assert sorted(r[0] for r in pg.execute_sql("SELECT name FROM schema_migration")) == \
        migrate_mod.known_migrations()

    # Reopening the server database applies nothing.
    pg.close()
    again = open_database(PG_URL)
    try:
        assert migrate_mod.ensure_schema(again, None) == []
    finally:
        again.close()
