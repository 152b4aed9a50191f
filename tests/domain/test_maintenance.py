"""Backups, restore, candidate checks, file modes, and the database health check."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
import stat
import threading

import pytest

from tests.conftest import TODAY

from branchtui.domain.check import check_database
from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import add_years, create_member
from branchtui.domain.summary import town_summary
from branchtui.store import maintenance
from branchtui.store.db import open_database
from branchtui.store.maintenance import (
    MaintenanceError,
    RestoreRefused,
    backup,
    check_file,
    list_backups,
    restore,
    secure_file,
)

NAMES = "王建国 李秀英 张志刚 刘桂英 陈德明 杨玉兰 赵振华 黄淑珍".split()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def sql(path, query, params=()):
    con = sqlite3.connect(str(path))
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def member_data(branch_id, n, *, base=dt.date(1960, 1, 1)):
    birth = base + dt.timedelta(days=n)
    return {"branch": branch_id, "name": NAMES[n % len(NAMES)],
            "id_number": make_id_number("110101", birth, n % 1000),  # not a demo region
            "join_date": add_years(birth, 25), "full_date": add_years(birth, 26)}


@pytest.fixture(autouse=True)
def no_group(monkeypatch):
    monkeypatch.delenv("BRANCHTUI_GROUP", raising=False)


@pytest.fixture
def branch(db):
    from branchtui.domain.branches import create_branch

    return create_branch({"name": "居民一支部"}, today=TODAY)


def aside_files(db_path):
    return sorted(db_path.parent.glob(db_path.name + ".*.before-restore.bak"))


# -------------------------------------------------------------------- backup


def test_backup_default_place_name_and_modes(demo_db, db_path):
    path = backup(db_path)
    assert path.parent == db_path.parent / "backups"
    assert re.fullmatch(re.escape(db_path.name) + r"\.\d{8}-\d{6}\.db", path.name)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert check_file(path) == []
    # a self-contained file: no -wal beside it, even after it is read
    assert sql(path, "PRAGMA journal_mode") == [("delete",)]
    assert not os.path.exists(f"{path}-wal")
    assert sql(path, "SELECT COUNT(*) FROM member") == [(74,)]
    assert list_backups(db_path) == [path]


def test_backup_modes_for_a_shared_group(demo_db, db_path, monkeypatch):
    grp = pytest.importorskip("grp")
    group = grp.getgrgid(os.getgid())
    monkeypatch.setenv("BRANCHTUI_GROUP", group.gr_name)
    path = backup(db_path)
    assert mode(path) == 0o660 and os.stat(path).st_gid == group.gr_gid
    assert mode(path.parent) == 0o770 and os.stat(path.parent).st_gid == group.gr_gid

    os.chmod(path.parent, 0o750)  # the admin's own choice for the folder, kept from now on
    backup(db_path)
    assert mode(path.parent) == 0o750

    monkeypatch.setenv("BRANCHTUI_GROUP", "no-such-group-branchtui")
    with pytest.raises(MaintenanceError, match="no-such-group-branchtui.*不存在"):
        backup(db_path, to=db_path.parent / "other.db")
    with pytest.raises(MaintenanceError, match="不存在"):
        backup(db_path)
    assert not (db_path.parent / "other.db").exists()
    assert mode(path.parent) == 0o750 and os.stat(path.parent).st_gid == group.gr_gid  # never re-chmodded


def test_secure_file(tmp_path, monkeypatch):
    path = tmp_path / "x.db"
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    secure_file(path)
    assert mode(path) == 0o600


def test_backup_to_a_named_file_or_directory(demo_db, db_path, tmp_path):
    target = tmp_path / "copy.db"
    assert backup(db_path, to=target) == target
    assert check_file(target) == [] and mode(target) == 0o600
    with pytest.raises(MaintenanceError, match="已存在"):
        backup(db_path, to=target)  # never overwrites
    with pytest.raises(MaintenanceError, match="已存在"):
        backup(db_path, to=db_path)  # least of all the database itself
    folder = tmp_path / "usb"
    folder.mkdir()
    inside = backup(db_path, to=folder)
    assert inside.parent == folder and inside.name.startswith(db_path.name + ".")
    assert list_backups(db_path) == []  # nothing went to the default directory


def test_backup_of_a_missing_file_is_refused(tmp_path):
    with pytest.raises(MaintenanceError, match="不存在"):
        backup(tmp_path / "nothing.db")
    assert not (tmp_path / "nothing.db").exists()  # and not created empty either


def test_keep_prunes_only_its_own_backups(db, branch, db_path):
    folder = db_path.parent / "backups"
    folder.mkdir(mode=0o700)
    foreign = [folder / "notes.txt", folder / f"{db_path.name}.manual.db",
               folder / "other.db.20200101-000000.db", folder / f"{db_path.name}.20200101-000000.db.bak"]
    for path in foreign:
        path.write_text("keep me")
    made = [backup(db_path, keep=3) for _ in range(5)]  # same second: names get -2, -3 …
    assert len(set(made)) == 5
    assert list_backups(db_path) == made[-3:]
    assert not any(path.exists() for path in made[:2])
    assert all(path.read_text() == "keep me" for path in foreign)
    with pytest.raises(ValueError):
        backup(db_path, keep=0)


def test_backup_while_another_connection_writes(db, branch, db_path):
    stop = threading.Event()
    written, errors = [], []

    def writer():
        try:
            for n in range(400):
                if stop.is_set() and n >= 30:
                    break
                written.append(create_member(member_data(branch.id, n), today=TODAY).id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    copies = []
    try:
        while len(written) < 5 and thread.is_alive():
            threading.Event().wait(0.01)
        for _ in range(4):
            copies.append(backup(db_path, keep=10))
            threading.Event().wait(0.05)
    finally:
        stop.set()
        thread.join(60)
    assert not errors and len(written) >= 30
    counts = []
    for path in copies:
        assert check_file(path) == []
        members = sql(path, "SELECT COUNT(*) FROM member")[0][0]
        # one consistent snapshot: each member there with its audit row, nothing half-written
        audited = sql(path, "SELECT COUNT(*) FROM audit WHERE \"table\" = 'member' AND action = 'create'")[0][0]
        assert members == audited
        assert sql(path, "SELECT COUNT(*) FROM member WHERE id NOT IN "
                         "(SELECT row_id FROM audit WHERE \"table\" = 'member')")[0][0] == 0
        counts.append(members)
    assert counts == sorted(counts) and 0 < counts[0] and counts[-1] <= len(written)


# ------------------------------------------------------------------- restore


def test_backup_then_restore_gives_back_the_same_summary(demo_db, db_path):
    before = town_summary(TODAY).to_json()
    saved = backup(db_path)
    create_member(member_data(1, 7), today=TODAY)
    changed = town_summary(TODAY).to_json()
    assert changed != before
    demo_db.close()

    aside = restore(db_path, saved)
    assert aside.parent == db_path.parent
    assert re.fullmatch(re.escape(db_path.name) + r"\.\d{8}-\d{6}\.before-restore\.bak", aside.name)
    assert mode(aside) == 0o600 and mode(db_path) == 0o600
    assert check_file(aside) == []
    assert sql(aside, "SELECT COUNT(*) FROM member") == [(75,)]  # the state replaced is kept
    assert [p.name for p in db_path.parent.glob(db_path.name + "-*")] == []  # no -wal, -shm, -journal

    again = open_database(db_path)
    try:
        assert town_summary(TODAY).to_json() == before
        assert check_database(TODAY) == []
    finally:
        again.close()
    # and the file kept aside can itself be restored
    restore(db_path, aside)
    again = open_database(db_path)
    try:
        assert town_summary(TODAY).to_json() == changed
    finally:
        again.close()


def test_restore_from_a_live_copy_in_wal_mode(demo_db, db_path, tmp_path):
    """A copy of another live database, -wal and all: restored with its WAL content."""
    import shutil

    create_member(member_data(1, 5), today=TODAY)  # in db_path's -wal, not yet checkpointed
    source = tmp_path / "elsewhere.db"
    shutil.copy(db_path, source)
    shutil.copy(f"{db_path}-wal", f"{source}-wal")
    demo_db.close()
    target = tmp_path / "target.db"
    shutil.copy(db_path, target)
    restore(target, source)
    assert sql(target, "SELECT COUNT(*) FROM member") == [(75,)]
    assert [p.name for p in tmp_path.glob("target.db-*")] == []


def test_check_file_leaves_a_closed_candidate_untouched(demo_db, db_path, tmp_path):
    saved = backup(db_path)
    before = sorted(p.name for p in saved.parent.iterdir())
    assert check_file(saved) == []
    assert sorted(p.name for p in saved.parent.iterdir()) == before  # not even a -shm


def test_restore_into_a_new_place(demo_db, db_path, tmp_path):
    saved = backup(db_path)
    target = tmp_path / "new" / "town.db"
    assert restore(target, saved) is None
    assert check_file(target) == [] and mode(target) == 0o600


def test_restore_refused_while_a_session_has_the_database_open(demo_db, db_path, monkeypatch):
    monkeypatch.setattr(maintenance, "RESTORE_WAIT_S", 0.2)
    saved = backup(db_path)
    create_member(member_data(1, 3), today=TODAY)  # the session is connected, in WAL mode
    with pytest.raises(RestoreRefused, match="其他会话"):
        restore(db_path, saved)
    assert aside_files(db_path) == []
    assert town_summary(TODAY).to_json()["members"]["total"] == 75  # still the live data


def _truncated(good, path):
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _corrupted(good, path):
    data = bytearray(good.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(page, len(data), page * 3):  # smash the header of every third page
        data[start:start + 12] = b"\xa5" * 12
    path.write_bytes(bytes(data))


def _foreign_sqlite(good, path):
    con = sqlite3.connect(str(path))
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    con.execute("INSERT INTO notes (text) VALUES ('这不是 branchtui 的数据库')")
    con.commit()
    con.close()


def _text(good, path):
    path.write_text("党员名册\n张三, 李四\n", encoding="utf-8")


def _empty(good, path):
    path.write_bytes(b"")


def _too_new(good, path):
    path.write_bytes(good.read_bytes())
    con = sqlite3.connect(str(path))
    con.execute("INSERT INTO schema_migration (name, applied) VALUES ('0999_future', '2030-01-01')")
    con.commit()
    con.close()


@pytest.mark.parametrize("make, expected", [
    (_text, "不是 SQLite"),
    (_empty, "不是 SQLite"),
    (_truncated, ""),
    (_corrupted, ""),
    (_foreign_sqlite, "不是 branchtui 数据库"),
    (_too_new, "更新版本"),
])
def test_restore_refuses_a_bad_file_and_leaves_the_database_alone(demo_db, db_path, tmp_path, make, expected):
    good = backup(db_path)
    candidate = tmp_path / "candidate.db"
    make(good, candidate)
    problems = check_file(candidate)
    assert problems and all(any("\u4e00" <= ch <= "\u9fff" for ch in p) for p in problems)
    assert expected in "；".join(problems)
    demo_db.close()
    before = digest(db_path)
    with pytest.raises(RestoreRefused) as info:
        restore(db_path, candidate)
    assert info.value.problems == problems
    assert "不能恢复" in str(info.value)
    assert digest(db_path) == before
    assert aside_files(db_path) == []
    again = open_database(db_path)
    try:
        assert town_summary(TODAY).to_json()["members"]["total"] == 74
    finally:
        again.close()


def test_restore_over_a_damaged_database(demo_db, db_path):
    good = backup(db_path)
    demo_db.close()
    _corrupted(good, db_path)
    damaged = digest(db_path)
    assert check_file(db_path) != []
    aside = restore(db_path, good)
    assert digest(aside) == damaged  # kept byte for byte: the backup API cannot read it
    assert mode(aside) == 0o600
    assert check_file(db_path) == []
    assert [p.name for p in db_path.parent.glob(db_path.name + "-*")] == []


def test_restore_over_a_database_too_damaged_to_lock(demo_db, db_path):
    """A truncated current file is exactly when one restores: it is moved
    aside byte for byte and the backup put in its place."""
    good = backup(db_path)
    demo_db.close()
    _truncated(good, db_path)
    before = digest(db_path)
    aside = restore(db_path, good)
    assert aside is not None and digest(aside) == before
    assert check_file(db_path) == []
    again = open_database(db_path, create=False)
    try:
        assert town_summary(TODAY).to_json()["members"]["total"] == 74
    finally:
        again.close()


def test_check_file_on_a_missing_file(tmp_path):
    assert "不存在" in check_file(tmp_path / "nothing.db")[0]


def test_restore_refuses_the_database_itself(demo_db, db_path):
    demo_db.close()
    with pytest.raises(RestoreRefused):
        restore(db_path, db_path)


# ----------------------------------------------------------- check_database


def test_check_database_on_the_demo_town_is_clean(demo_db):
    from branchtui.domain.loans.repayments import reverse_repayment
    from branchtui.store.models import Repayment

    first = Repayment.select().order_by(Repayment.id).first()
    reverse_repayment(first.id, {"date": TODAY, "note": "重复录入"}, today=TODAY)
    assert check_database(TODAY) == []


def test_check_database_on_an_empty_database(db):
    assert check_database(TODAY) == []


@pytest.mark.sqlite_only  # corrupts the file with foreign keys switched off
def test_check_database_reports_each_corruption(demo_db):
    from branchtui.domain.loans.repayments import reverse_repayment
    from branchtui.store.models import Branch, Loan, Member, Repayment, StandardItem

    x = demo_db.execute_sql
    member = Member.select().where(Member.full_date.is_null(False)).order_by(Member.id).first()
    x("UPDATE member SET full_date = ? WHERE id = ?",
      ((member.join_date + dt.timedelta(days=91)).isoformat(), member.id))

    repaying = [loan for loan in Loan.select().where(Loan.state == "还款中").order_by(Loan.id)]
    settled_wrongly, undisbursed = repaying[0], repaying[1]
    x("UPDATE loan SET state = '结清' WHERE id = ?", (settled_wrongly.id,))
    x("UPDATE loan SET disbursed = NULL WHERE id = ?", (undisbursed.id,))

    x("INSERT INTO standard (name, description, is_current) VALUES ('六有', '', 1)")
    six = x("SELECT id FROM standard WHERE name = '六有'").fetchone()[0]
    x("INSERT INTO standard_item (standard_id, name, category, requirement, position) "
      "VALUES (?, '标牌', '标识', '', 0)", (six,))
    foreign_item = StandardItem.get(StandardItem.standard == six)
    x("UPDATE inspection_result SET item_id = ? WHERE id = (SELECT MIN(id) FROM inspection_result)",
      (foreign_item.id,))

    one, two = Branch.select().order_by(Branch.id)[:2]
    stranger = Member.select().where(Member.branch == two.id).first()
    x("UPDATE branch SET secretary_id = ? WHERE id = ?", (stranger.id, one.id))

    # a reversal that is not the exact opposite, and one pointing at another loan's repayment
    other_loans = [loan.id for loan in repaying[2:4]]
    paid = Repayment.select().where(Repayment.loan == other_loans[0]).order_by(Repayment.id).first()
    reversal = reverse_repayment(paid.id, {"date": TODAY, "note": "录错"}, today=TODAY)
    x("UPDATE repayment SET principal = principal + 100 WHERE id = ?", (reversal.id,))
    elsewhere = Repayment.select().where(Repayment.loan == other_loans[1]).order_by(Repayment.id).first()
    x("INSERT INTO repayment (loan_id, date, principal, interest, reverses_id, note) "
      "VALUES (?, ?, ?, ?, ?, '串户')", (other_loans[0], TODAY.isoformat(), -int(elsewhere.principal * 100),
                                       -int(elsewhere.interest * 100), elsewhere.id))

    # a member whose branch no longer exists: the summary no longer counts them
    x("PRAGMA foreign_keys = OFF")
    x("UPDATE member SET branch_id = 999 WHERE id = (SELECT MAX(id) FROM member WHERE status = '正常')")
    x("PRAGMA foreign_keys = ON")

    problems = check_database(TODAY)
    text = "\n".join(problems)
    assert f"党员“{member.name}”（编号 {member.id}）" in text and "预备期" in text
    assert f"贷款 #{settled_wrongly.id}：已结清，但尚欠本金" in text
    assert f"贷款 #{undisbursed.id}：状态为“还款中”，却没有发放日期" in text
    assert "同时有 2 个现行标准：三个一、六有" in text
    assert "属于另一个标准" in text
    assert f"支部“{one.name}”的书记" in text and "不是本支部的党员" in text
    assert f"还款记录 #{reversal.id}" in text and "相反数" in text
    assert "冲正的是另一笔贷款" in text
    assert "外键不一致：表 member" in text
    assert "汇总的党员总数" in text
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p) for p in problems)
