"""Several SSH sessions writing one database at once (a SQLite file or a
PostgreSQL server), and sessions killed mid-write.

Real processes (not threads): each opens the database with open_database and
writes members through the domain, as the CLI and the TUI do.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TODAY, run_sql

ROOT = Path(__file__).resolve().parents[1]

WRITER = r'''
import datetime as dt
import sys
import time
from pathlib import Path

from branchtui.store.db import open_database
from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import add_years, create_member
from branchtui.domain.pinyin import search_keys

path, worker, count, report, branch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
today = dt.date.fromisoformat(sys.argv[6])
names = "王建国 李秀英 张志刚 刘桂英 陈德明 杨玉兰 赵振华 黄淑珍 曾海燕 单长林".split()
open_database(path)
from branchtui.domain import identity
if "://" in path:  # a server database: the process is one of its front-ends
    identity.set_login_for_tests(f"writer{worker}")
else:
    identity.check_owner_of_file(Path(path))
    identity.assume(f"writer{worker}")  # as `branchtui --as writerN` would
search_keys("预热")  # pay for importing pypinyin before the race starts
Path(report + ".ready").touch()
while not Path(report).parent.joinpath("go").exists():
    time.sleep(0.005)
with open(report, "a", encoding="utf-8") as out:
    for n in range(count):
        birth = dt.date(1950 + worker, 1, 1) + dt.timedelta(days=n)
        number = make_id_number("110101", birth, n % 1000)
        create_member({"branch": branch, "name": names[(worker + n) % len(names)], "id_number": number,
                       "join_date": add_years(birth, 25), "full_date": add_years(birth, 26)}, today=today)
        out.write(number + "\n")  # reported only once committed
        out.flush()
'''


@pytest.fixture
def town(db, db_target):
    from branchtui.domain.branches import create_branch

    branch = create_branch({"name": "居民一支部"}, today=TODAY)
    db.close()
    return db_target, branch.id


def start_writers(db_path, branch_id, workers, count, folder):
    folder.mkdir()
    procs = []
    for worker in range(workers):
        report = folder / f"writer{worker}.txt"
        procs.append((subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), str(worker), str(count), str(report),
             str(branch_id), TODAY.isoformat()],
            cwd=ROOT, stderr=subprocess.PIPE), report))
    deadline = time.monotonic() + 300  # 16 interpreters starting on a busy machine
    while not all(Path(f"{report}.ready").exists() for _proc, report in procs):
        assert all(proc.poll() is None for proc, _report in procs), \
            [proc.stderr.read().decode() for proc, _ in procs if proc.poll() is not None]
        assert time.monotonic() < deadline, "writers did not start"
        time.sleep(0.02)
    (folder / "go").touch()  # every writer is ready: they start together
    return procs


def reported(report) -> list[str]:
    """ID numbers a writer reported committed (each line is written in one go after its commit)."""
    if not Path(report).exists():
        return []
    return [line for line in Path(report).read_text(encoding="utf-8").splitlines() if line]


def state(target):
    sqlite = not str(target).startswith("postgresql")
    integrity = run_sql(target, "PRAGMA integrity_check") if sqlite else [("ok",)]
    members = dict(run_sql(target, "SELECT id_number, id FROM member"))
    audits = run_sql(target, "SELECT row_id, login FROM audit WHERE \"table\" = 'member' AND action = 'create'")
    return integrity, members, [tuple(a) for a in audits]


def check_all_of_a_piece(db_path):
    """The file is sound and every member came with its audit row (and only with it)."""
    integrity, members, audits = state(db_path)
    assert integrity == [("ok",)]
    audited = [row_id for row_id, _login in audits]
    assert len(audited) == len(set(audited))
    assert set(audited) == set(members.values())
    return members, dict(audits)


@pytest.mark.parametrize("workers, count", [(4, 25), (16, 8)])
def test_several_writer_processes_at_once(town, tmp_path, workers, count):
    db_path, branch_id = town
    procs = start_writers(db_path, branch_id, workers, count, tmp_path / "reports")
    for proc, _report in procs:
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()
    members, logins = check_all_of_a_piece(db_path)
    assert len(members) == workers * count
    for worker, (_proc, report) in enumerate(procs):
        numbers = reported(report)
        assert len(numbers) == count
        assert all(logins[members[number]] == f"writer{worker}" for number in numbers)

    from branchtui.domain.check import check_database
    from branchtui.store.db import open_database

    db = open_database(db_path)
    try:
        assert check_database(TODAY) == []
    finally:
        db.close()


def test_writers_killed_mid_write_leave_no_half_record(town, tmp_path):
    db_path, branch_id = town
    procs = start_writers(db_path, branch_id, 3, 100_000, tmp_path / "reports")
    deadline = time.monotonic() + 60
    try:
        for at_least, (proc, report) in zip((10, 20, 30), procs):
            while len(reported(report)) < at_least:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "writers too slow"
                time.sleep(0.001)
            os.kill(proc.pid, signal.SIGKILL)  # part-way, most likely inside a transaction
            proc.wait(10)
    finally:
        for proc, _report in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    assert all(proc.returncode == -signal.SIGKILL for proc, _report in procs)

    members, logins = check_all_of_a_piece(db_path)
    total = 0
    for worker, (_proc, report) in enumerate(procs):
        numbers = reported(report)
        total += len(numbers)
        missing = [number for number in numbers if number not in members]
        assert missing == []  # every write reported committed survived the kill
        mine = [number for number, member_id in members.items() if logins[member_id] == f"writer{worker}"]
        # at most the one write committed just before the kill went unreported
        assert len(numbers) <= len(mine) <= len(numbers) + 1

    # and the file opens and takes writes again, as any session would find it
    from branchtui.domain.check import check_database
    from branchtui.domain.idcard import make_id_number
    from branchtui.domain.members import create_member
    from branchtui.store.db import open_database
    import datetime as dt

    db = open_database(db_path)
    try:
        assert check_database(TODAY) == []
        create_member({"branch": branch_id, "name": "温东莲", "join_date": dt.date(1990, 7, 1),
                       "id_number": make_id_number("110101", dt.date(1966, 6, 6), 2)}, today=TODAY)
    finally:
        db.close()
    assert len(state(db_path)[1]) == len(members) + 1
