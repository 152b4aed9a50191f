"""Clerks racing on one loan, as real processes, on SQLite and on PostgreSQL.

Every loan writer re-reads the loan and validates inside its write
transaction (SQLite BEGIN IMMEDIATE; on PostgreSQL the loan's row is locked
FOR UPDATE), so of several clerks doing the same thing at the same moment
exactly one is accepted and the others are refused with the rule's message.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"

WORKER = r'''
import json, sys, time
from pathlib import Path

from branchtui.store.db import open_database
from branchtui.domain.errors import DomainError
from branchtui.domain.loans import guarantee, repayments, service
import datetime as dt

target, op, ident, report = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
payload = json.loads(sys.argv[5])
today = dt.date.fromisoformat(sys.argv[6])
open_database(target, migrate=False)
calls = {
    "repay": lambda: repayments.record_repayment(ident, payload, today=today),
    "reverse": lambda: repayments.reverse_repayment(ident, payload, today=today),
    "extend": lambda: service.extend(ident, payload, today=today),
    "disburse": lambda: service.disburse(ident, payload, today=today),
}
Path(report + ".ready").touch()
while not Path(report).parent.joinpath("go").exists():
    time.sleep(0.002)
try:
    calls[op]()
    result = {"outcome": "accepted"}
except DomainError as exc:
    result = {"outcome": "refused", "message": str(exc)}
except Exception as exc:  # anything else is a failure of the test, reported as such
    result = {"outcome": "error", "message": repr(exc)}
Path(report).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
'''


def race(target: str, tmp: Path, op: str, ident: int, payload: dict, workers: int) -> list[dict]:
    """``workers`` processes doing ``op`` at once; their outcomes."""
    tmp.mkdir(parents=True, exist_ok=True)
    script = tmp / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    reports = [tmp / f"report-{n}.json" for n in range(workers)]
    procs = [subprocess.Popen([sys.executable, str(script), target, op, str(ident), str(report),
                               json.dumps(payload, ensure_ascii=False, default=str), TODAY.isoformat()], cwd=ROOT)
             for report in reports]
    while not all(Path(str(r) + ".ready").exists() or p.poll() is not None for r, p in zip(reports, procs)):
        time.sleep(0.01)
    (tmp / "go").touch()
    for proc in procs:
        assert proc.wait() == 0
    return [json.loads(r.read_text(encoding="utf-8")) for r in reports]


def _world(today=TODAY):
    """A branch, a policy, a borrower, and four loans of 20,000.00 ready for each race."""
    from branchtui.domain.branches import create_branch
    from branchtui.domain.idcard import make_id_number
    from branchtui.domain.loans.borrowers import save_borrower
    from branchtui.domain.loans.policy import save_policy
    from branchtui.domain.loans.repayments import record_repayment
    from branchtui.domain.loans.service import create_loan

    branch = create_branch({"name": "居民六支部"}, today=today)
    save_policy({"effective_from": dt.date(2020, 1, 1), "name": "下岗失业人员小额担保贷款",
                 "ceiling_person": 50000, "ceiling_partnership": 150000, "max_term_months": 24,
                 "max_extension_months": 12})
    borrower = save_borrower({"name": "刘文宪", "id_number": make_id_number("410402", dt.date(1968, 5, 12), 11),
                              "branch": branch.id}, today=today)
    base = {"borrower": borrower.id, "amount": "20000", "annual_rate": "5.31", "months": 24,
            "method": "equal-installment", "applied": dt.date(2026, 9, 1), "approved": dt.date(2026, 9, 5)}
    repaid = create_loan({**base, "disbursed": dt.date(2026, 9, 10)}, today=today)
    reversed_ = create_loan({**base, "disbursed": dt.date(2026, 9, 10)}, today=today)
    from branchtui.domain.loans.service import loan_schedule

    first = loan_schedule(reversed_)[0]
    payment = record_repayment(reversed_.id, {"date": first.due, "principal": first.principal,
                                              "interest": first.interest}, today=today)
    extended = create_loan({**base, "disbursed": dt.date(2026, 9, 10)}, today=today)
    approved = create_loan(base, today=today)
    return {"repay": repaid.id, "reverse": payment.id, "extend": extended.id, "disburse": approved.id}


def _whole_balance(loan_id: int) -> dict:
    from branchtui.domain.loans.repayments import due_on
    from branchtui.domain.loans.service import get_loan

    due = due_on(get_loan(loan_id), TODAY)
    return {"date": TODAY, "principal": str(due.principal + due.balance),
            "interest": str(due.interest + due.accrued), "prepayment": "缩短期限"}


RACES = (  # operation, workers, what the refused ones are told
    ("repay", 8, "不能登记还款"),
    ("reverse", 8, "已经冲正过"),
    ("extend", 8, "只能展期一次"),
    ("disburse", 2, "贷款状态不能从"),
)


def _run_races(target: str, tmp: Path, ids: dict, payloads: dict) -> dict:
    outcomes = {}
    for op, workers, refusal in RACES:
        results = race(target, tmp / op, op, ids[op], payloads[op], workers)
        accepted = [r for r in results if r["outcome"] == "accepted"]
        refused = [r for r in results if r["outcome"] == "refused"]
        assert len(accepted) == 1, (op, results)
        assert len(refused) == workers - 1, (op, results)
        assert all(refusal in r["message"] for r in refused), (op, results)
        outcomes[op] = (len(results), len(accepted), len(refused))
    return outcomes


def _check_database(ids: dict) -> None:
    """What the races left: one repayment, one reversal, one extension, one disbursement."""
    from branchtui.domain.loans.repayments import payments_of
    from branchtui.domain.loans.service import SETTLED, get_loan
    from branchtui.store.models import LoanEvent, Repayment

    assert get_loan(ids["repay"]).state == SETTLED
    assert sum(p.principal for p in payments_of(ids["repay"])) == Decimal("20000.00")
    assert Repayment.select().where(Repayment.reverses == ids["reverse"]).count() == 1
    assert LoanEvent.select().where((LoanEvent.loan == ids["extend"]) & (LoanEvent.kind == "展期")).count() == 1
    assert LoanEvent.select().where((LoanEvent.loan == ids["disburse"]) & (LoanEvent.kind == "发放")).count() == 1


def _payloads(ids: dict) -> dict:
    return {"repay": _whole_balance(ids["repay"]), "reverse": {"date": TODAY, "note": "录入错误：重复登记"},
            "extend": {"date": TODAY, "months": 6, "note": "经营季节性困难"}, "disburse": {"date": TODAY}}


def test_clerks_racing_on_one_loan_sqlite(tmp_path):
    from branchtui.store.db import open_database

    path = tmp_path / "branchtui.db"
    db = open_database(path)
    ids = _world()
    payloads = _payloads(ids)
    db.close()
    outcomes = _run_races(str(path), tmp_path, ids, payloads)
    db = open_database(path)
    _check_database(ids)
    db.close()
    print("sqlite", outcomes)


@pytest.fixture
def pg_url():
    pytest.importorskip("psycopg2")
    from peewee import OperationalError
    from playhouse.db_url import connect

    admin = connect(PG_ADMIN)
    try:
        admin.connect()
    except OperationalError as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    admin.connection().autocommit = True
    name = "bt_" + uuid.uuid4().hex[:16]
    admin.execute_sql(f"CREATE DATABASE {name}")
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def test_clerks_racing_on_one_loan_postgresql(pg_url, tmp_path):
    from branchtui.store.db import open_database

    db = open_database(pg_url)
    ids = _world()
    payloads = _payloads(ids)
    db.close()
    outcomes = _run_races(pg_url, tmp_path, ids, payloads)
    db = open_database(pg_url)
    _check_database(ids)
    db.close()
    print("postgresql", outcomes)
