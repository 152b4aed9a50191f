"""Dated policy records, and borrowers identified by their resident ID."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.conftest import TODAY
from tests.domain.loans.conftest import (
    BORROWER_BIRTH,
    POLICY_NAME,
    borrower_data,
    loan_data,
    policy_data,
    refused,
)

from branchtui.domain import identity
from branchtui.domain.errors import NotFound
from branchtui.domain.idcard import make_id_number
from branchtui.domain.loans.borrowers import save_borrower, search_borrowers
from branchtui.domain.loans.policy import policy_on, save_policy
from branchtui.domain.loans.service import create_loan
from branchtui.store.models import Audit, Borrower, LoanPartner

D = Decimal


# ------------------------------------------------------------------ policy


def test_policy_is_stored_as_typed(policy):
    assert policy.ceiling_person == D("50000.00")
    assert policy.ceiling_partnership == D("150000.00")
    assert (policy.max_term_months, policy.subsidy_percent, policy.payout_wait_days,
            policy.max_extension_months) == (24, 100, 90, 12)
    assert policy_on(dt.date(2020, 1, 1)).id == policy.id
    assert Audit.select().where((Audit.table == "policy") & (Audit.row_id == policy.id)).count() == 1


def test_policy_on_a_day_before_every_policy_is_not_found(policy):
    with pytest.raises(NotFound):
        policy_on(dt.date(2019, 12, 31))


@pytest.mark.parametrize("field, value", [
    ("ceiling_person", "0"),
    ("ceiling_partnership", ""),
    ("max_term_months", "0"),
    ("subsidy_percent", "101"),
    ("max_extension_months", "13"),
    ("effective_from", "2020-02-30"),
])
def test_bad_policy_refused(db, field, value):
    with refused(field):
        save_policy(policy_data(**{field: value}))


def test_amount_at_the_person_ceiling_is_accepted(world):
    loan = create_loan(loan_data(world, amount="5万元"), today=TODAY)
    assert loan.amount == D("50000.00")


def test_amount_above_the_person_ceiling_refused_naming_the_rule(world):
    with refused("amount") as errors:
        create_loan(loan_data(world, amount="50000.01"), today=TODAY)
    message = errors["amount"]
    assert "50,000.00" in message
    assert POLICY_NAME in message
    assert "2020-01-01" in message


def test_term_beyond_the_policy_maximum_refused(world):
    create_loan(loan_data(world, months=24), today=TODAY)
    with refused("months") as errors:
        create_loan(loan_data(world, months=25), today=TODAY)
    assert "24" in errors["months"]
    assert POLICY_NAME in errors["months"]
    assert "2020-01-01" in errors["months"]


def test_a_later_policy_does_not_apply_before_its_date(world):
    save_policy(policy_data(effective_from=dt.date(2026, 6, 1), name="2026年新政策",
                            ceiling_person="10万", ceiling_partnership="30万", max_term_months=36))
    # Applied the day before: the old rules (50,000, 24 months) still hold.
    with refused("amount", "months") as errors:
        create_loan(loan_data(world, amount="80000", months=36, applied=dt.date(2026, 5, 31)), today=TODAY)
    assert POLICY_NAME in errors["amount"] and "2020-01-01" in errors["amount"]
    assert "2026年新政策" not in errors["amount"]
    # Applied on the day it takes effect: the new rules.
    loan = create_loan(loan_data(world, amount="80000", months=36, applied=dt.date(2026, 6, 1)), today=TODAY)
    assert loan.amount == D("80000.00") and loan.months == 36


def test_a_later_stricter_policy_applies_from_its_date(world):
    save_policy(policy_data(effective_from=dt.date(2026, 3, 1), name="收紧后的政策", ceiling_person="3万"))
    assert create_loan(loan_data(world, amount="40000", applied=dt.date(2026, 2, 28)), today=TODAY)
    with refused("amount") as errors:
        create_loan(loan_data(world, amount="40000", applied=dt.date(2026, 3, 1)), today=TODAY)
    assert "收紧后的政策" in errors["amount"] and "2026-03-01" in errors["amount"]
    assert "30,000.00" in errors["amount"]


def test_no_policy_at_all_refuses_on_applied(borrower):
    with refused("applied") as errors:
        create_loan(loan_data(borrower), today=TODAY)
    assert "政策" in errors["applied"]
    assert "2026-01-10" in errors["applied"]


def test_partnership_above_the_person_ceiling_within_the_partnership_ceiling(world, other_borrower):
    partners = [(world.id, D("60000.00")), (other_borrower.id, D("40000.00"))]
    with refused("amount") as errors:  # one partner's share is above the person ceiling
        create_loan(loan_data(world, amount="10万", partners=partners), today=TODAY)
    assert "合伙人份额" in errors["amount"] and "50,000.00" in errors["amount"]
    assert POLICY_NAME in errors["amount"]

    partners = [(world.id, D("50000.00")), (other_borrower.id, D("50000.00"))]
    loan = create_loan(loan_data(world, amount="10万", partners=partners), today=TODAY)
    assert loan.amount == D("100000.00")
    rows = sorted((p.borrower_id, p.share) for p in LoanPartner.select().where(LoanPartner.loan == loan.id))
    assert rows == sorted(partners)


def test_partnership_ceiling(world, other_borrower):
    partners = [(world.id, D("50000.00")), (other_borrower.id, D("50000.00"))]
    with refused("amount") as errors:
        create_loan(loan_data(world, amount="150000.01", partners=partners), today=TODAY)
    assert "合伙贷款上限" in errors["amount"] and "150,000.00" in errors["amount"]
    assert POLICY_NAME in errors["amount"] and "2020-01-01" in errors["amount"]
    assert create_loan(loan_data(world, amount="15万", partners=partners), today=TODAY).amount == D("150000.00")


def test_without_partners_the_partnership_ceiling_does_not_help(world):
    with refused("amount") as errors:
        create_loan(loan_data(world, amount="100000"), today=TODAY)
    assert "个人贷款上限" in errors["amount"]


# --------------------------------------------------------------- borrowers


def test_borrower_birth_date_and_gender_come_from_the_id(branch, monkeypatch):
    identity.set_login_for_tests("xinxin01")
    # The clerk's gender and birth date are ignored: the ID says 男, 1968-05-12.
    person = save_borrower(borrower_data(branch.id, gender="女", birth_date=dt.date(1990, 1, 1)), today=TODAY)
    person = Borrower.get_by_id(person.id)
    assert person.birth_date == BORROWER_BIRTH
    assert person.gender == "男"
    assert person.name_initials == "lwx"
    woman = save_borrower(borrower_data(branch.id, "柴如莲", birth=dt.date(1971, 3, 8), sequence=22),
                          today=TODAY)
    assert (woman.gender, woman.birth_date) == ("女", dt.date(1971, 3, 8))
    audit = Audit.get((Audit.table == "borrower") & (Audit.row_id == person.id))
    assert audit.login == "xinxin01" and audit.action == "create"
    assert json.loads(audit.after)["id_number"] == person.id_number


def test_id_with_a_wrong_checksum_refused(branch):
    good = make_id_number("410402", BORROWER_BIRTH, 11)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with refused("id_number") as errors:
        save_borrower(borrower_data(branch.id, id_number=bad), today=TODAY)
    assert "校验" in errors["id_number"]


@pytest.mark.parametrize("id_number", ["", "41040219680512011", "41040219680512011X1"])
def test_id_missing_or_of_the_wrong_length_refused(branch, id_number):
    with refused("id_number"):
        save_borrower(borrower_data(branch.id, id_number=id_number), today=TODAY)


def test_id_born_after_today_refused(branch):
    with refused("id_number"):
        save_borrower(borrower_data(branch.id, birth=TODAY + dt.timedelta(days=1)), today=TODAY)


def test_duplicate_id_refused_naming_the_borrower(borrower, branch):
    with refused("id_number") as errors:
        save_borrower(borrower_data(branch.id, "王建华"), today=TODAY)
    assert "刘文宪" in errors["id_number"]
    # Updating the borrower himself with his own ID is no clash.
    same = save_borrower(borrower_data(branch.id, phone="13800000000"), borrower_id=borrower.id, today=TODAY)
    assert same.id == borrower.id and Borrower.get_by_id(borrower.id).phone == "13800000000"


def test_full_width_id_is_folded(branch):
    number = make_id_number("410402", BORROWER_BIRTH, 13)
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in number)
    person = save_borrower(borrower_data(branch.id, id_number=full_width), today=TODAY)
    assert person.id_number == number


def test_bad_status_and_branch_refused(branch):
    with refused("status", "branch"):
        save_borrower(borrower_data(branch.id, status="退休", branch=branch.id + 99), today=TODAY)


def test_search_borrowers_in_a_small_world(borrower, other_borrower):
    assert [r.name for r in search_borrowers("lwx")] == ["刘文宪"]
    assert [r.name for r in search_borrowers("chairulian")] == ["柴如莲"]
    assert [r.name for r in search_borrowers("如莲")] == ["柴如莲"]
    row = search_borrowers("刘")[0]
    assert row.branch == "居民六支部"
    assert row.id_masked == borrower.id_number, "the single local user is an administrator"
    assert len(search_borrowers("")) == 2


def test_borrower_ids_masked_for_viewers(borrower, monkeypatch):
    from branchtui.domain.access import add_user

    identity.set_login_for_tests("boss")
    add_user("boss", "admin")
    add_user("kan", "viewer")
    identity.set_login_for_tests("kan")
    row = search_borrowers("刘")[0]
    assert row.id_masked.startswith("4104") and "*" in row.id_masked
    assert row.id_masked[-4:] == borrower.id_number[-4:]
    assert borrower.id_number not in row.id_masked


def test_search_borrowers_by_pinyin_on_the_demo(demo_db):
    rows = search_borrowers("lwx")
    assert "刘文宪" in [r.name for r in rows]
    row = next(r for r in rows if r.name == "刘文宪")
    assert row.branch == "居民六支部"
    assert "秦继雄" in [r.name for r in search_borrowers("qjx")]
    assert "柴如莲" in [r.name for r in search_borrowers("chairulian")]
