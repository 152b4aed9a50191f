"""A loan's life: what the clerk types, the allowed states, the dates, the extension."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.conftest import TODAY
from tests.domain.loans.conftest import POLICY_NAME, loan_data, make_loan, policy_data, refused

from branchtui.domain import identity
from branchtui.domain.errors import NotFound, ValidationError
from branchtui.domain.loans.policy import save_policy
from branchtui.domain.loans.schedule import add_months, build_schedule
from branchtui.domain.loans.service import (
    ACTIVE,
    APPLIED,
    APPROVED,
    EXTENDED,
    SETTLED,
    STATES,
    TRANSITIONS,
    WITHDRAWN,
    WRITTEN_OFF,
    approve,
    change_state,
    create_loan,
    disburse,
    extend,
    get_loan,
    loan_schedule,
    maturity,
    parse_rate,
    withdraw,
)
from branchtui.store.models import Audit, Loan, LoanEvent

D = Decimal


def events(loan_id):
    return [(e.kind, e.date, e.amount, e.months)
            for e in LoanEvent.select().where(LoanEvent.loan == loan_id).order_by(LoanEvent.id)]


def loan_audits(loan_id):
    return list(Audit.select().where((Audit.table == "loan") & (Audit.row_id == loan_id)).order_by(Audit.id))


# ------------------------------------------------- amounts and rates as typed


@pytest.mark.parametrize("typed, stored", [
    ("5万元", D("50000.00")),
    ("0.3万", D("3000.00")),
    ("3,000.00", D("3000.00")),
    ("￥3000", D("3000.00")),
    ("３０００．５", D("3000.50")),
    (12345, D("12345.00")),
])
def test_amount_as_typed(world, typed, stored):
    loan = create_loan(loan_data(world, amount=typed), today=TODAY)
    assert Loan.get_by_id(loan.id).amount == stored


@pytest.mark.parametrize("typed", ["0", "0.00", "-100", "-0.3万", "", "三千", "3000.001"])
def test_bad_amount_refused(world, typed):
    with refused("amount"):
        create_loan(loan_data(world, amount=typed), today=TODAY)


@pytest.mark.parametrize("typed", ["5.31%", "5.31", " 5.31 % ", "５．３１％", D("5.31"), "5.3100"])
def test_rate_as_typed(world, typed):
    loan = create_loan(loan_data(world, annual_rate=typed), today=TODAY)
    assert Loan.get_by_id(loan.id).annual_rate == D("5.31")


def test_rate_with_four_decimals_is_kept_exactly(world):
    loan = create_loan(loan_data(world, annual_rate="9.4822%"), today=TODAY)
    assert Loan.get_by_id(loan.id).annual_rate == D("9.4822")


@pytest.mark.parametrize("typed", ["36.01", "37%", "-1", "", "五厘", "5.31415"])
def test_bad_rate_refused(world, typed):
    with refused("annual_rate"):
        create_loan(loan_data(world, annual_rate=typed), today=TODAY)


def test_rate_limits():
    assert parse_rate("36") == D("36")
    assert parse_rate("0%") == D("0")
    with pytest.raises(ValidationError):
        parse_rate("36.0001")


@pytest.mark.parametrize("typed, code", [
    ("等额本息", "equal-installment"),
    ("等额本金", "equal-principal"),
    ("按月付息到期还本", "interest-monthly"),
    ("到期一次还本付息", "bullet"),
    ("equal-principal", "equal-principal"),
])
def test_method_by_chinese_name_or_code(world, typed, code):
    loan = create_loan(loan_data(world, method=typed), today=TODAY)
    assert Loan.get_by_id(loan.id).method == code


@pytest.mark.parametrize("typed", ["", "每月还", "annuity"])
def test_unknown_method_refused(world, typed):
    with refused("method") as errors:
        create_loan(loan_data(world, method=typed), today=TODAY)
    assert "等额本息" in errors["method"]


@pytest.mark.parametrize("months", ["0", "", "一年"])
def test_bad_months_refused(world, months):
    with refused("months"):
        create_loan(loan_data(world, months=months), today=TODAY)


def test_missing_borrower_refused(world):
    with refused("borrower"):
        create_loan(loan_data(world.id + 100), today=TODAY)


def test_every_error_of_the_form_at_once(world):
    with refused("amount", "annual_rate", "method", "applied") as errors:
        create_loan(loan_data(world, amount="-1", annual_rate="40", method="?", applied="2026-13-01"),
                    today=TODAY)
    assert len(errors) >= 4


def test_loan_takes_the_borrowers_branch_by_default(world, branch):
    loan = create_loan(loan_data(world), today=TODAY)
    assert loan.branch_id == branch.id
    assert (loan.lender, loan.guarantor) == ("信用社", "镇党委")


# ------------------------------------------------------------------ states


def test_the_dates_given_say_how_far_the_loan_has_come(world):
    applied = create_loan(loan_data(world), today=TODAY)
    approved = create_loan(loan_data(world, approved=dt.date(2026, 1, 15)), today=TODAY)
    active = create_loan(loan_data(world, approved=dt.date(2026, 1, 15), disbursed=dt.date(2026, 1, 20)),
                         today=TODAY)
    assert [Loan.get_by_id(x.id).state for x in (applied, approved, active)] == [APPLIED, APPROVED, ACTIVE]
    assert [k for k, *_ in events(applied.id)] == ["申请"]
    assert [k for k, *_ in events(approved.id)] == ["申请", "审批"]
    assert events(active.id) == [("申请", dt.date(2026, 1, 10), D("0.00"), 0),
                                 ("审批", dt.date(2026, 1, 15), D("0.00"), 0),
                                 ("发放", dt.date(2026, 1, 20), D("12000.00"), 0)]


def test_approve_then_disburse_writes_events_and_audit(world, monkeypatch):
    identity.set_login_for_tests("xindai01")
    loan = create_loan(loan_data(world), today=TODAY)
    assert len(loan_audits(loan.id)) == 1
    events_before = LoanEvent.select().count()

    approve(loan.id, {"date": "2026-01-15"}, today=TODAY)
    loan = get_loan(loan.id)
    assert (loan.state, loan.approved) == (APPROVED, dt.date(2026, 1, 15))

    disburse(loan.id, {"date": "2026.1.20"}, today=TODAY)
    loan = get_loan(loan.id)
    assert (loan.state, loan.disbursed) == (ACTIVE, dt.date(2026, 1, 20))

    assert LoanEvent.select().count() == events_before + 2
    assert events(loan.id)[1:] == [("审批", dt.date(2026, 1, 15), D("0.00"), 0),
                                   ("发放", dt.date(2026, 1, 20), D("12000.00"), 0)]
    audits = loan_audits(loan.id)
    assert [a.action for a in audits] == ["create", "update", "update"]
    assert all(a.login == "xindai01" for a in audits)
    assert json.loads(audits[1].before)["state"] == APPLIED
    assert json.loads(audits[1].after)["state"] == APPROVED
    assert json.loads(audits[2].after)["state"] == ACTIVE
    assert json.loads(audits[2].after)["disbursed"] == "2026-01-20"
    event_audits = Audit.select().where((Audit.table == "loan_event") & (Audit.action == "create")).count()
    assert event_audits == LoanEvent.select().count()


def test_withdraw_from_applied(world):
    loan = create_loan(loan_data(world), today=TODAY)
    withdraw(loan.id, {"date": "2026-01-12", "note": "借款人放弃"}, today=TODAY)
    loan = get_loan(loan.id)
    assert loan.state == WITHDRAWN
    assert events(loan.id)[-1][0] == WITHDRAWN
    assert LoanEvent.get((LoanEvent.loan == loan.id) & (LoanEvent.kind == WITHDRAWN)).note == "借款人放弃"
    with refused("state"):
        approve(loan.id, {"date": "2026-01-15"}, today=TODAY)


def test_withdraw_from_approved_but_not_after_disbursement(world):
    approved = create_loan(loan_data(world, approved=dt.date(2026, 1, 15)), today=TODAY)
    withdraw(approved.id, {"date": "2026-01-16"}, today=TODAY)
    assert get_loan(approved.id).state == WITHDRAWN
    active = make_loan(world)
    with refused("state"):
        withdraw(active.id, {"date": "2026-02-01"}, today=TODAY)
    assert get_loan(active.id).state == ACTIVE


def test_extending_an_applied_loan_refused(world):
    loan = create_loan(loan_data(world), today=TODAY)
    with refused("months") as errors:
        extend(loan.id, {"date": "2026-01-20", "months": 6}, today=TODAY)
    assert APPLIED in errors["months"]
    assert get_loan(loan.id).extension_months == 0


def test_disbursing_a_loan_not_yet_approved_refused(world):
    loan = create_loan(loan_data(world), today=TODAY)
    with refused("state"):
        disburse(loan.id, {"date": "2026-01-20"}, today=TODAY)
    assert get_loan(loan.id).state == APPLIED


def test_approving_twice_refused(world):
    loan = create_loan(loan_data(world, approved=dt.date(2026, 1, 15)), today=TODAY)
    with refused("state"):
        approve(loan.id, {"date": "2026-01-16"}, today=TODAY)
    assert get_loan(loan.id).approved == dt.date(2026, 1, 15)


def test_transitions_table_is_closed_over_states():
    for source, targets in TRANSITIONS.items():
        assert source in STATES
        assert targets <= set(STATES)
    # the ends of a loan's life lead nowhere
    for final in (SETTLED, WRITTEN_OFF, WITHDRAWN):
        assert not TRANSITIONS.get(final)


@pytest.mark.parametrize("source", STATES)
def test_change_state_only_along_transitions(world, source):
    loan = make_loan(world)
    for target in STATES:
        if target in TRANSITIONS.get(source, set()):
            continue
        fresh = get_loan(loan.id)
        fresh.state = source  # in memory only
        with refused("state") as errors:
            change_state(fresh, target, dt.date(2026, 3, 1))
        assert source in errors["state"] and target in errors["state"]


def test_get_missing_loan(db):
    with pytest.raises(NotFound):
        get_loan(424242)


# ------------------------------------------------------------------ dates


def test_approval_before_application_refused(world):
    with refused("approved"):
        create_loan(loan_data(world, approved=dt.date(2026, 1, 9)), today=TODAY)
    loan = create_loan(loan_data(world), today=TODAY)
    with refused("date") as errors:
        approve(loan.id, {"date": "2026-01-09"}, today=TODAY)
    assert "申请日期" in errors["date"]
    assert get_loan(loan.id).state == APPLIED
    approve(loan.id, {"date": "2026-01-10"}, today=TODAY)  # the same day is fine
    assert get_loan(loan.id).state == APPROVED


def test_disbursement_before_approval_refused(world):
    with refused("disbursed"):
        create_loan(loan_data(world, approved=dt.date(2026, 1, 15), disbursed=dt.date(2026, 1, 14)),
                    today=TODAY)
    with refused("approved"):  # disbursed, but no approval date
        create_loan(loan_data(world, disbursed=dt.date(2026, 1, 14)), today=TODAY)
    loan = create_loan(loan_data(world, approved=dt.date(2026, 1, 15)), today=TODAY)
    with refused("date") as errors:
        disburse(loan.id, {"date": "2026-01-14"}, today=TODAY)
    assert "审批日期" in errors["date"]
    assert get_loan(loan.id).state == APPROVED


@pytest.mark.parametrize("key", ["applied", "approved", "disbursed"])
def test_dates_in_the_future_refused_on_create(world, key):
    future = TODAY + dt.timedelta(days=1)
    data = loan_data(world, applied=dt.date(2026, 11, 1), approved=dt.date(2026, 11, 10),
                     disbursed=dt.date(2026, 11, 20))
    data[key] = future
    with refused(key) as errors:
        create_loan(data, today=TODAY)
    assert "今天" in errors[key]


def test_dates_in_the_future_refused_on_actions(world):
    loan = create_loan(loan_data(world), today=TODAY)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    with refused("date"):
        approve(loan.id, {"date": tomorrow}, today=TODAY)
    approve(loan.id, {"date": TODAY.isoformat()}, today=TODAY)  # today itself is fine
    with refused("date"):
        disburse(loan.id, {"date": tomorrow}, today=TODAY)
    with refused("date"):
        disburse(loan.id, {"date": ""}, today=TODAY)
    disburse(loan.id, {"date": TODAY}, today=TODAY)
    assert get_loan(loan.id).state == ACTIVE


# --------------------------------------------------------------- extension


def interest_monthly(world, **overrides):
    # 12,000.00 at 6 %, 12 months, interest 60.00 a month, principal at 2027-01-31
    return make_loan(world, annual_rate="6", method="按月付息到期还本", **overrides)


def test_extension_moves_the_principal_out(world):
    loan = interest_monthly(world)
    before = loan_schedule(get_loan(loan.id))
    assert len(before) == 12 and before[-1].due == dt.date(2027, 1, 31)
    assert maturity(get_loan(loan.id)) == dt.date(2027, 1, 31)

    extend(loan.id, {"date": "2026-06-30", "months": "6", "note": "经营季节性困难"}, today=TODAY)
    loan = get_loan(loan.id)
    assert loan.state == EXTENDED
    assert (loan.extension_months, loan.extended_on) == (6, dt.date(2026, 6, 30))
    schedule = loan_schedule(loan)
    assert len(schedule) == 12 + 6
    assert [r.principal for r in schedule[:-1]] == [D("0.00")] * 17
    assert all(r.interest == D("60.00") for r in schedule)
    assert schedule[-1].principal == D("12000.00")
    assert schedule[-1].due == add_months(dt.date(2027, 1, 31), 6) == dt.date(2027, 7, 31)
    assert maturity(loan) == dt.date(2027, 7, 31)
    assert events(loan.id)[-1] == ("展期", dt.date(2026, 6, 30), D("0.00"), 6)


def test_extension_of_an_amortizing_loan_moves_the_installments_not_yet_due(world):
    loan = make_loan(world)  # 12,000.00 at 0 %, 12 × 1,000.00 from 2026-02-28
    extend(loan.id, {"date": "2026-06-15", "months": 3}, today=TODAY)
    schedule = loan_schedule(get_loan(loan.id))
    assert len(schedule) == 12
    assert sum(r.principal for r in schedule) == D("12000.00")
    assert [r.due for r in schedule[:4]] == [dt.date(2026, 2, 28), dt.date(2026, 3, 31),
                                             dt.date(2026, 4, 30), dt.date(2026, 5, 31)]
    assert schedule[4].due == dt.date(2026, 9, 30)  # was 2026-06-30
    assert schedule[-1].due == dt.date(2027, 4, 30)  # was 2027-01-31


def test_extension_only_once(world):
    loan = interest_monthly(world)
    extend(loan.id, {"date": "2026-06-30", "months": 3}, today=TODAY)
    with refused("months") as errors:
        extend(loan.id, {"date": "2026-07-31", "months": 1}, today=TODAY)
    assert "一次" in errors["months"]
    assert get_loan(loan.id).extension_months == 3


def test_extension_longer_than_the_policy_allows_refused_naming_the_rule(db, borrower):
    save_policy(policy_data(max_extension_months=6))
    loan = interest_monthly(borrower)
    with refused("months") as errors:
        extend(loan.id, {"date": "2026-06-30", "months": 7}, today=TODAY)
    assert "6" in errors["months"] and POLICY_NAME in errors["months"]
    extend(loan.id, {"date": "2026-06-30", "months": 6}, today=TODAY)
    assert get_loan(loan.id).state == EXTENDED


def test_extension_beyond_twelve_months_refused(world):
    loan = interest_monthly(world)
    with refused("months") as errors:
        extend(loan.id, {"date": "2026-06-30", "months": 13}, today=TODAY)
    assert "12" in errors["months"]


def test_extension_after_the_original_maturity_refused(world):
    loan = interest_monthly(world, disbursed=dt.date(2025, 6, 30))  # due 2026-06-30
    with refused("date") as errors:
        extend(loan.id, {"date": "2026-07-01", "months": 6}, today=TODAY)
    assert "2026-06-30" in errors["date"]


def test_extension_dates_checked(world):
    loan = interest_monthly(world)
    with refused("date"):
        extend(loan.id, {"date": "2026-01-30", "months": 6}, today=TODAY)  # before disbursement
    with refused("date"):
        extend(loan.id, {"date": (TODAY + dt.timedelta(days=1)).isoformat(), "months": 6}, today=TODAY)
    with refused("months"):
        extend(loan.id, {"date": "2026-06-30", "months": ""}, today=TODAY)


def test_unextended_schedule_is_the_engines(world):
    loan = make_loan(world, amount="5000", annual_rate="12", months=18, method="等额本金",
                     disbursed=dt.date(2026, 1, 15))
    assert loan_schedule(get_loan(loan.id)) == build_schedule(D("5000.00"), D("12"), 18, "equal-principal",
                                                              dt.date(2026, 1, 15))
