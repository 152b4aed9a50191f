"""The overview's figures and a member search, through domain/ and as
hand-written SQL over the same file (the standard ``sqlite3`` module).

The SQL baseline computes the same numbers as ``town_summary(as_of).to_json()``
and ``search_members("zh")``; the bench checks that they agree before it
trusts the ratio. Where the domain needs a loan's repayment schedule
(days past due, the interest subsidy), the SQL uses what the schedule
implies when every repayment pays one installment exactly, on or before its
due date (as the demo generators write them): the oldest unpaid installment
is number ``paid + 1``, due ``paid + 1`` months after disbursement (day of
month 1–28), and the subsidy is the interest of the repayments made in the
year. If the data breaks that assumption the figures disagree, and the bench
says so.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

REPAYING = ("还款中", "展期")
SEARCH = "zh"


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """The median of ``runs`` timings (after one untimed warm-up), and the last result."""
    result = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


# --- the domain side -------------------------------------------------------

def open_domain(path: Path):
    from branchtui.store.db import open_database

    return open_database(path)


def domain_summary(as_of: dt.date) -> dict:
    from branchtui.domain.summary import town_summary

    return town_summary(as_of).to_json()


def domain_search(query: str = SEARCH) -> list[int]:
    from branchtui.domain.members import search_members

    return [row.id for row in search_members(query)]


# --- the same numbers in SQL -----------------------------------------------

def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA cache_size=-8000")  # as the app opens it
    return conn


def _tables(conn) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


LATEST_RESULTS = """
SELECT i.room_id, r.item_id, r.passed
FROM inspection i JOIN inspection_result r ON r.inspection_id = i.id
WHERE i.standard_id = :s AND i.date <= :d
  AND NOT EXISTS (SELECT 1 FROM inspection l
                  WHERE l.room_id = i.room_id AND l.standard_id = i.standard_id AND l.date <= :d
                    AND (l.date > i.date OR (l.date = i.date AND l.id > i.id)))
"""

LOAN_BOOK = """
WITH paid AS (
    SELECT loan_id, COUNT(*) AS k, SUM(principal) AS p FROM repayment WHERE date <= :d GROUP BY loan_id
), book AS (
    SELECT l.id, l.state, l.amount, l.disbursed, l.months, l.method, l.extension_months AS ext, l.extended_on,
           l.amount - COALESCE(paid.p, 0) AS outstanding, COALESCE(paid.k, 0) AS k,
           CASE l.method WHEN 'bullet' THEN 1
                         WHEN 'interest-monthly' THEN l.months + l.extension_months
                         ELSE l.months END AS n
    FROM loan l LEFT JOIN paid ON paid.loan_id = l.id
    WHERE l.disbursed IS NOT NULL AND l.disbursed <= :d
), aged AS (
    SELECT *, CASE WHEN k >= n THEN NULL
                   WHEN method = 'bullet' THEN date(disbursed, '+' || (months + ext) || ' months')
                   WHEN method = 'interest-monthly' THEN date(disbursed, '+' || (k + 1) || ' months')
                   WHEN ext > 0 AND extended_on IS NOT NULL
                        AND date(disbursed, '+' || (k + 1) || ' months') >= extended_on
                        THEN date(disbursed, '+' || (k + 1 + ext) || ' months')
                   ELSE date(disbursed, '+' || (k + 1) || ' months') END AS oldest
    FROM book
), dpd AS (
    SELECT *, state IN ('还款中', '展期') AS repaying,
           CASE WHEN oldest IS NOT NULL AND oldest < :d
                THEN CAST(julianday(:d) - julianday(oldest) AS INTEGER) ELSE 0 END AS days
    FROM aged
)
SELECT COUNT(*), COALESCE(SUM(amount), 0),
       COALESCE(SUM(CASE WHEN repaying THEN outstanding ELSE 0 END), 0),
       COALESCE(SUM(repaying AND days > 0), 0),
       COALESCE(SUM(CASE WHEN repaying AND outstanding > 0 AND days > 30 THEN outstanding ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN repaying AND outstanding > 0 THEN outstanding ELSE 0 END), 0)
FROM dpd
"""

MONTHLY = """
SELECT CAST(strftime('%m', disbursed) AS INTEGER), SUM(amount) FROM loan
WHERE disbursed IS NOT NULL AND disbursed >= :ys AND disbursed <= :d GROUP BY 1
"""

SUBSIDY = """
SELECT COALESCE(SUM((r.interest * COALESCE(
           (SELECT p.subsidy_percent FROM policy p WHERE p.effective_from <= l.applied
            ORDER BY p.effective_from DESC, p.id DESC LIMIT 1), 0) + 50) / 100), 0)
FROM repayment r JOIN loan l ON l.id = r.loan_id
WHERE l.disbursed IS NOT NULL AND l.disbursed <= :d AND r.date >= :ys AND r.date <= :d
  AND NOT (l.extension_months > 0 AND r.date > date(l.disbursed, '+' || l.months || ' months'))
"""

TARGETS = """
SELECT t.branch_id, t.measure, t.expected, CASE
    WHEN t.measure LIKE 'kind:%' THEN (SELECT COUNT(*) FROM activity a WHERE a.branch_id = t.branch_id
        AND a.kind_id = CAST(substr(t.measure, 6) AS INTEGER) AND a.date >= :ys AND a.date <= :ye)
    WHEN t.measure = 'placements' THEN (SELECT COUNT(*) FROM placement p WHERE p.branch_id = t.branch_id
        AND p.date >= :ys AND p.date <= :ye)
    WHEN t.measure = 'businesses' THEN (SELECT COUNT(*) FROM business b WHERE b.branch_id = t.branch_id
        AND b.registered >= :ys AND b.registered <= :ye)
    WHEN t.measure = 'loans' THEN (SELECT COUNT(*) FROM loan l WHERE l.branch_id = t.branch_id
        AND l.applied >= :ys AND l.applied <= :ye)
    ELSE 0 END
FROM target t JOIN branch b ON b.id = t.branch_id WHERE t.year = :y
"""


def sql_summary(conn: sqlite3.Connection, as_of: dt.date) -> dict:
    """``town_summary(as_of).to_json()``, from hand-written SQL."""
    p = {"d": as_of.isoformat(), "ys": dt.date(as_of.year, 1, 1).isoformat(),
         "ye": min(dt.date(as_of.year, 12, 31), as_of).isoformat(), "y": as_of.year}
    q = conn.execute
    tables = _tables(conn)
    committee = q("SELECT name FROM committee ORDER BY id LIMIT 1").fetchone()
    branches = q("""SELECT b.id, b.name, r.id, r.name FROM branch b
                    LEFT JOIN room r ON r.branch_id = b.id ORDER BY b.id""").fetchall()
    counts = {b: (n, full or 0) for b, n, full in q(
        """SELECT branch_id, COUNT(*), SUM(full_date IS NOT NULL AND full_date <= :d) FROM member
           WHERE status = '正常' AND join_date <= :d GROUP BY branch_id""", p)}
    standard = q("SELECT id, name FROM standard ORDER BY is_current DESC, id LIMIT 1").fetchone()
    items = q("SELECT id, name FROM standard_item WHERE standard_id = ? ORDER BY position, id",
              (standard[0],)).fetchall() if standard else []
    passed = {(room, item): bool(ok) for room, item, ok in q(LATEST_RESULTS, {**p, "s": standard[0]})} \
        if standard else {}
    meets, missing = set(), []
    for branch_id, branch, room_id, room in branches:
        if room_id is None or not items:
            continue
        short = [name for item_id, name in items if not passed.get((room_id, item_id))]
        if short:
            missing.append({"branch": branch, "room": room, "items": short})
        else:
            meets.add(branch_id)
    invested = q("""SELECT (SELECT COALESCE(SUM(build_cost), 0) FROM room)
                         + (SELECT COALESCE(SUM(cost), 0) FROM equipment
                            WHERE purchase_date IS NULL OR purchase_date <= :d)""", p).fetchone()[0]
    count, disbursed, outstanding, overdue, at_risk, at_stake = q(LOAN_BOOK, p).fetchone()
    par30 = Decimal(at_risk) / Decimal(at_stake) if at_stake else Decimal(0)
    jobs = q("""SELECT COALESCE(SUM(employees), 0) FROM business
                WHERE loan_id IS NOT NULL AND registered <= :d""", p).fetchone()[0]
    businesses = q("SELECT COUNT(*) FROM business WHERE registered >= :ys AND registered <= :d", p).fetchone()[0]
    placed = q("SELECT COUNT(*) FROM placement WHERE date <= :d", p).fetchone()[0]
    subsidy = q(SUBSIDY, p).fetchone()[0]
    monthly = [0] * 12
    for month, amount in q(MONTHLY, p):
        monthly[month - 1] = amount
    out = {
        "as_of": as_of.isoformat(),
        "committee": committee[0] if committee else "镇党委",
        "branches": len(branches),
        "members": {},
        "rooms": {"total": sum(1 for b in branches if b[2] is not None), "meeting_standard": len(meets),
                  "standard": standard[1] if standard else "三个一", "missing_items": missing,
                  "invested_fen": invested},
        "loans": {"count": count, "disbursed_fen": disbursed, "outstanding_fen": outstanding,
                  "overdue_count": overdue, "par30": float(par30.quantize(Decimal("0.0001"))),
                  "jobs_created": jobs, "subsidy_this_year_fen": subsidy},
        "businesses_this_year": businesses,
        "reemployed": placed,
        "monthly_this_year_fen": monthly,
    }
    # Members of branches that no longer exist are not in the domain's per-branch rows.
    known = {b[0] for b in branches}
    members = [(n, f) for b, (n, f) in counts.items() if b in known]
    out["members"] = {"total": sum(n for n, _f in members), "full": sum(f for _n, f in members),
                      "probationary": sum(n - f for n, f in members)}
    if "activity" in tables:
        out["activities_this_year"] = q(
            "SELECT COUNT(*) FROM activity WHERE date >= :ys AND date <= :ye", p).fetchone()[0]
    if "target" in tables:
        expected = counted = 0
        for branch_id, measure, want, actual in q(TARGETS, p):
            if measure == "rooms":
                actual = int(branch_id in meets)
            expected += want
            counted += min(actual, want)
        out["targets"] = {"expected": expected, "actual": counted}
    if "campaign" in tables:
        campaign = q("SELECT id FROM campaign ORDER BY start DESC, id DESC LIMIT 1").fetchone()
        phases = done = 0
        if campaign:
            phases = q("SELECT COUNT(*) FROM campaign_phase WHERE campaign_id = ?", campaign).fetchone()[0]
            done = q("""SELECT COUNT(*) FROM campaign_branch c JOIN branch b ON b.id = c.branch_id
                        WHERE c.campaign_id = ? AND c.completed_on IS NOT NULL AND c.completed_on <= ?""",
                     (campaign[0], p["d"])).fetchone()[0]
        out["campaign"] = {"phases": phases, "branches_done": done}
    return out


SEARCH_SQL = """
SELECT m.id, m.name, m.gender, b.id, b.name, m.birth_date, m.join_date, m.full_date, m.status,
       m.id_number, m.phone
FROM member m JOIN branch b ON b.id = m.branch_id
WHERE m.name_pinyin LIKE :q OR m.name_initials LIKE :q OR m.id_number LIKE :q OR m.phone LIKE :q
ORDER BY m.name_pinyin, m.id LIMIT 200
"""


def sql_search(conn: sqlite3.Connection, query: str = SEARCH) -> list[int]:
    return [row[0] for row in conn.execute(SEARCH_SQL, {"q": f"%{query}%"})]


# --- agreement ---------------------------------------------------------------

def differences(domain: Any, sql: Any, path: str = "") -> tuple[list[str], list[str]]:
    """(figures that differ, figures of the domain the SQL does not compute)."""
    if isinstance(domain, dict) and isinstance(sql, dict):
        differ, unchecked = [], []
        for key, value in domain.items():
            if key not in sql:
                unchecked.append(f"{path}{key}")
                continue
            d, u = differences(value, sql[key], f"{path}{key}.")
            differ += d
            unchecked += u
        return differ, unchecked
    if domain != sql:
        return [f"{path.rstrip('.')}: domain {domain!r} vs SQL {sql!r}"], []
    return [], []


def compare_summary(domain: dict, sql: dict, monthly_domain: list | None = None) -> tuple[list[str], list[str]]:
    sql = dict(sql)
    monthly = sql.pop("monthly_this_year_fen")
    differ, unchecked = differences(domain, sql)
    if monthly_domain is not None and [int(m * 100) for m in monthly_domain] != monthly:
        differ.append("loans.monthly_this_year differs")
    return differ, unchecked


def domain_monthly(as_of: dt.date) -> list:
    from branchtui.domain.loans.portfolio import loan_figures

    return loan_figures(as_of).monthly_this_year
