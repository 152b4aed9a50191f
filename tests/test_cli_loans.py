"""The loan commands run as a user would: ``branchtui schedule`` and ``summary``, in a subprocess.

Every reference case of ``shared/reference/loans.md`` is checked to the fen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

import pytest

D = Decimal
TODAY_ARG = "2026-11-27"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A private HOME and data directory: nothing may touch a real user's database."""
    return tmp_path_factory.mktemp("xdg-loans")


def _env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHTUI_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), COLUMNS="200", PYTHONIOENCODING="utf-8")
    return env


def run(home, *args):
    return subprocess.run([sys.executable, "-m", "branchtui", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, env=_env(home))


def schedule(home, *args):
    result = run(home, "schedule", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def table(data):
    return [(r["principal"], r["interest"], r["payment"], r["balance"]) for r in data["installments"]]


# ------------------------------------------------------------ reference cases


def test_case_1_annuity(home):
    data = schedule(home, "--principal", "100", "--rate", "9.4822", "--months", "6",
                    "--method", "equal-installment", "--start", "2024-01-15")
    assert table(data) == [
        ("16.34", "0.79", "17.13", "83.66"),
        ("16.47", "0.66", "17.13", "67.19"),
        ("16.60", "0.53", "17.13", "50.59"),
        ("16.73", "0.40", "17.13", "33.86"),
        ("16.86", "0.27", "17.13", "17.00"),
        ("17.00", "0.13", "17.13", "0.00"),
    ]
    assert [r["number"] for r in data["installments"]] == [1, 2, 3, 4, 5, 6]
    assert data["principal"] == "100.00" and data["annual_rate"] == "9.4822" and data["months"] == 6
    assert data["total_interest"] == "2.78"
    assert data["total_payment"] == "102.78"


def test_case_2_equal_principal(home):
    data = schedule(home, "--principal", "5000", "--rate", "12", "--months", "18", "--method", "equal-principal",
                    "--start", "2024-01-15")
    rows = data["installments"]
    assert len(rows) == 18
    assert [r["principal"] for r in rows] == ["277.78"] * 17 + ["277.74"]
    assert [r["interest"] for r in rows[:4]] == ["50.00", "47.22", "44.44", "41.67"]
    assert [r["interest"] for r in rows[-2:]] == ["5.56", "2.78"]
    # every row, to the fen: interest on the balance before it, 1 % a month, half up
    balance = D("5000.00")
    for row in rows:
        interest = (balance * D("0.01")).quantize(D("0.01"), rounding=ROUND_HALF_UP)
        balance -= D(row["principal"])
        assert row["interest"] == str(interest)
        assert row["payment"] == str(D(row["principal"]) + interest)
        assert row["balance"] == str(balance)
    assert rows[-1]["balance"] == "0.00"
    assert data["total_interest"] == "475.00"
    assert data["total_payment"] == "5475.00"


def test_case_3_interest_monthly(home):
    data = schedule(home, "--principal", "3000", "--rate", "5.31%", "--months", "24",
                    "--method", "interest-monthly", "--start", "2024-01-15")
    assert table(data) == [("0.00", "13.28", "13.28", "3000.00")] * 23 + [("3000.00", "13.28", "3013.28", "0.00")]
    assert data["installments"][-1]["payment"] == "3013.28"
    assert data["total_interest"] == str(D("13.28") * 24)


def test_bullet(home):
    data = schedule(home, "--principal", "3000", "--rate", "5.31", "--months", "12", "--method", "bullet",
                    "--start", "2024-01-15")
    # 3,000 × 5.31 % / 12 × 12 = 159.30, once, at maturity
    assert table(data) == [("3000.00", "159.30", "3159.30", "0.00")]
    assert data["installments"][0]["due"] == "2025-01-15"


def test_interest_is_rounded_half_up(home):
    # 25.00 × 0.5 % = 0.125 → 0.13 (half even would give 0.12)
    data = schedule(home, "--principal", "25", "--rate", "6", "--months", "1", "--method", "interest-monthly",
                    "--start", "2024-01-15")
    assert table(data) == [("25.00", "0.13", "25.13", "0.00")]


# -------------------------------------------------------- input as typed


def test_principal_in_wan(home):
    data = schedule(home, "--principal", "0.3万", "--rate", "5.31", "--months", "24", "--method",
                    "interest-monthly", "--start", "2024-01-15")
    assert data["principal"] == "3000.00"
    assert data["installments"][0]["interest"] == "13.28"


def test_due_dates_clamp_to_the_end_of_month(home):
    data = schedule(home, "--principal", "3,000.00", "--rate", "0", "--months", "4", "--start", "2024-01-31")
    assert data["start"] == "2024-01-31"
    assert [r["due"] for r in data["installments"]] == ["2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]
    assert [r["payment"] for r in data["installments"]] == ["750.00"] * 4


@pytest.mark.parametrize("args, words", [
    (("--principal", "3000", "--rate", "abc", "--months", "12"), "年利率"),
    (("--principal", "3000", "--rate", "40", "--months", "12"), "年利率"),
    (("--principal", "-100", "--rate", "5.31", "--months", "12"), "负数"),
    (("--principal", "0", "--rate", "5.31", "--months", "12"), "贷款金额"),
    (("--principal", "3000", "--rate", "5.31", "--months", "0"), "期限"),
])
def test_bad_input_exits_2_with_a_chinese_message(home, args, words):
    result = run(home, "schedule", *args)
    assert result.returncode == 2
    assert words in result.stderr
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_plain_output(home):
    result = run(home, "schedule", "--principal", "100", "--rate", "9.4822", "--months", "6",
                 "--start", "2024-01-15")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "合计" in out
    assert "等额本息" in out
    assert "17.13" in out and "83.66" in out
    assert "102.78" in out  # 本息 in all
    assert "2024-07-15" in out


def test_schedule_needs_no_database(home):
    result = run(home, "schedule", "--principal", "100", "--rate", "5", "--months", "1", "--json")
    assert result.returncode == 0, result.stderr
    assert not (home / "data" / "branchtui").exists()


# ------------------------------------------------------------- summary


def test_summary_json_on_the_demo(home, tmp_path):
    path = tmp_path / "town.db"
    built = run(home, "demo", "--db", path, "--today", TODAY_ARG)
    assert built.returncode == 0, built.stderr
    result = run(home, "summary", "--db", path, "--json", "--as-of", TODAY_ARG)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == TODAY_ARG
    assert data["businesses_this_year"] == 182
    assert data["reemployed"] >= 2000
    loans = data["loans"]
    assert loans["disbursed_fen"] >= 70_000_000
    assert isinstance(loans["disbursed_fen"], int)
    assert loans["count"] >= 3
    assert loans["overdue_count"] >= 1
    assert isinstance(loans["par30"], float) and 0 < loans["par30"] < 1
    assert not (home / "data" / "branchtui").exists()  # the private HOME's default database untouched
