"""Rules that hold under concurrency: real processes racing through the one
write gate, on SQLite and on PostgreSQL (its own database bt_<hex>, skipped
only when no server answers).

Each racer opens the database, waits until every racer is ready, then makes
one call through the domain, as the CLI and the TUI do; the gate serialises
writers (BEGIN IMMEDIATE / pg_advisory_xact_lock) and every rule is
re-validated inside, so exactly one of a conflicting set goes through.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TODAY, login_as

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/"
TRIALS = 3

RACER = r'''
import datetime as dt
import importlib
import json
import sys
import time
from pathlib import Path

from branchtui.store.db import open_database

from branchtui.domain.identity import set_login_for_tests

target, call, report, go, login = sys.argv[1:6]
call = json.loads(call)
open_database(target)
set_login_for_tests(login)
module, name = call["fn"].rsplit(".", 1)
fn = getattr(importlib.import_module(module), name)
kwargs = dict(call.get("kwargs", {}))
if "today" in kwargs:
    kwargs["today"] = dt.date.fromisoformat(kwargs["today"])
Path(report + ".ready").touch()
while not Path(go).exists():
    time.sleep(0.002)
try:
    fn(*call.get("args", []), **kwargs)
    result = "accepted"
except Exception as exc:
    result = f"refused {type(exc).__name__}: {exc}"
Path(report).write_text(result, encoding="utf-8")
'''


def race(target: str, folder: Path, calls: list[tuple[str, dict]]) -> list[str]:
    """Run each (login, call) in its own process, all released at once; their outcomes."""
    folder.mkdir(parents=True)
    go = folder / "go"
    procs = []
    for n, (login, call) in enumerate(calls):
        report = folder / f"racer{n}.txt"
        env = dict(os.environ, BRANCHTUI_LANG="zh")
        procs.append((subprocess.Popen([sys.executable, "-c", RACER, target, json.dumps(call), str(report),
                                        str(go), login], cwd=ROOT, env=env, stderr=subprocess.PIPE), report))
    while not all(Path(f"{report}.ready").exists() for _p, report in procs):
        failed = [p.stderr.read().decode() for p, _r in procs if p.poll() is not None]
        assert not failed, failed
        time.sleep(0.01)
    go.touch()
    outcomes = []
    for proc, report in procs:
        _out, err = proc.communicate()
        assert proc.returncode == 0, err.decode()
        outcomes.append(report.read_text(encoding="utf-8"))
    return outcomes


# ------------------------------------------------------------------ the stores


def _pg_admin():
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        con = psycopg2.connect(PG_SERVER + "test", connect_timeout=3)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    con.autocommit = True
    return con


@pytest.fixture(scope="module")
def pg_template(demo_template):
    """The demo town in a PostgreSQL database of its own, used as a template."""
    from branchtui.demo import build_demo
    from branchtui.store.db import open_database

    con = _pg_admin()
    name = f"bt_{secrets.token_hex(6)}"
    con.cursor().execute(f"CREATE DATABASE {name}")
    made = [name]
    try:
        db = open_database(PG_SERVER + name)
        build_demo(today=TODAY)
        db.close()
        yield con, name, made
    finally:
        for database in made:
            con.cursor().execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        con.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request, demo_template, tmp_path):
    """A factory of fresh copies of the demo town on one store."""
    counter = iter(range(1000))
    if request.param == "sqlite":
        def make() -> str:
            path = tmp_path / f"copy{next(counter)}.db"
            shutil.copy(demo_template, path)
            return str(path)
    else:
        con, template, made = request.getfixturevalue("pg_template")

        def make() -> str:
            name = f"bt_{secrets.token_hex(6)}"
            con.cursor().execute(f"CREATE DATABASE {name} TEMPLATE {template}")
            made.append(name)
            return PG_SERVER + name
    make.store = request.param
    return make


def _open(target):
    from branchtui.store.db import open_database

    return open_database(target)


def _tally(label, store, outcomes_per_trial):
    accepted = sum(o.count("accepted") for o in outcomes_per_trial)
    total = sum(len(o) for o in outcomes_per_trial)
    # Printed for the record of trials (run with -s to see them).
    print(f"\n[trials] {label} on {store}: {len(outcomes_per_trial)} trials, {total} calls, "
          f"{accepted} accepted, {total - accepted} refused")


# ------------------------------------------------------------------ the races


def test_two_admins_removing_each_other_leave_one_admin(fresh, tmp_path, monkeypatch):
    from branchtui.domain import access
    from branchtui.store.users import User

    results = []
    for trial in range(TRIALS):
        target = fresh()
        login_as("amy")
        db = _open(target)
        access.add_user("amy", "admin")
        access.add_user("bob", "admin")
        access.add_user("kan", "viewer")
        db.close()
        outcomes = race(target, tmp_path / f"admins{trial}", [
            ("amy", {"fn": "branchtui.domain.access.remove_user", "args": ["bob"]}),
            ("bob", {"fn": "branchtui.domain.access.remove_user", "args": ["amy"]}),
        ])
        db = _open(target)
        admins = [u.login for u in User.select().where(User.role == "admin")]
        db.close()
        assert len(admins) == 1, (admins, outcomes)
        assert sorted(o.split(":")[0] for o in outcomes) == ["accepted", "refused PermissionDenied"]
        results.append(outcomes)
    _tally("two admins removing each other", fresh.store, results)


def test_secretary_appointment_and_transfer_of_that_member_race(fresh, tmp_path):
    """One session makes a member the branch secretary while another moves that
    member to another branch: one goes through, the other is refused on what
    the first wrote, and the branch never has a secretary from elsewhere."""
    from branchtui.domain.check import _secretaries
    from branchtui.store.models import Branch, Member

    results = []
    for trial in range(TRIALS):
        target = fresh()
        db = _open(target)
        branch = Branch.get_by_id(1)
        member = (Member.select().where((Member.branch == 1) & (Member.status == "正常")
                                        & (Member.id != branch.secretary_id)).order_by(Member.id).first())
        branch_data = {"name": branch.name, "community": branch.community, "phone": branch.phone,
                       "founded": branch.founded.isoformat() if branch.founded else "", "notes": branch.notes,
                       "secretary": member.id}
        member_data = {k: str(getattr(member, k) or "") for k in (
            "name", "gender", "ethnicity", "birth_date", "id_number", "education", "join_date", "full_date",
            "phone", "status", "notes")} | {"branch": 2}
        db.close()
        outcomes = race(target, tmp_path / f"appoint{trial}", [
            ("root", {"fn": "branchtui.domain.branches.update_branch", "args": [1, branch_data],
                      "kwargs": {"today": TODAY.isoformat()}}),
            ("root", {"fn": "branchtui.domain.members.update_member", "args": [member.id, member_data],
                      "kwargs": {"today": TODAY.isoformat()}}),
        ])
        db = _open(target)
        problems = _secretaries()
        db.close()
        assert problems == [], (problems, outcomes)
        assert sorted(o.split(":")[0] for o in outcomes) == ["accepted", "refused ValidationError"], outcomes
        results.append(outcomes)
    _tally("appoint secretary vs transfer that member", fresh.store, results)


def test_set_current_standard_races_leave_exactly_one_current(fresh, tmp_path, monkeypatch):
    from branchtui.domain.standards import create_standard
    from branchtui.store.models import Standard

    target = fresh()
    db = _open(target)
    ids = [Standard.select().first().id] + [create_standard({"name": f"标准{n}"}).id for n in range(3)]
    db.close()
    outcomes = race(target, tmp_path / "current", [
        ("root", {"fn": "branchtui.domain.standards.set_current", "args": [sid]}) for sid in ids * 2])
    db = _open(target)
    current = Standard.select().where(Standard.is_current == True).count()  # noqa: E712
    db.close()
    assert current == 1
    assert outcomes.count("accepted") == len(ids) * 2  # each a whole switch: all allowed, never two current
    _tally("set current standard", fresh.store, [outcomes])
