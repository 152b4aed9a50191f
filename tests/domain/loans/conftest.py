"""A small loan world: one branch, one dated policy, one borrower.

Helpers (imported by the loan tests): ``loan_data`` builds the form a clerk
fills in, ``make_loan`` registers it, ``counts`` and ``refused`` check that a
refused write leaves no trace.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest

from tests.conftest import TODAY

from branchtui.domain.branches import create_branch
from branchtui.domain.errors import ValidationError
from branchtui.domain.idcard import make_id_number
from branchtui.domain.loans.borrowers import save_borrower
from branchtui.domain.loans.policy import save_policy
from branchtui.domain.loans.service import create_loan
from branchtui.store.models import Audit, Borrower, Loan, LoanEvent, LoanPartner, Policy, Repayment

D = Decimal
POLICY_NAME = "下岗失业人员小额担保贷款"
POLICY_FROM = dt.date(2020, 1, 1)
BORROWER_BIRTH = dt.date(1968, 5, 12)


def policy_data(**overrides) -> dict:
    data = {
        "effective_from": POLICY_FROM,
        "name": POLICY_NAME,
        "ceiling_person": "5万",
        "ceiling_partnership": "15万",
        "max_term_months": 24,
        "subsidy_percent": 100,
        "payout_wait_days": 90,
        "max_extension_months": 12,
    }
    data.update(overrides)
    return data


def borrower_data(branch_id=None, name="刘文宪", *, birth=BORROWER_BIRTH, sequence=11,
                  region="410402", **overrides) -> dict:
    data = {
        "name": name,
        "id_number": make_id_number(region, birth, sequence),
        "status": "下岗",
        "branch": branch_id,
        "phone": "13912345678",
    }
    data.update(overrides)
    return data


def loan_data(borrower, **overrides) -> dict:
    """12,000.00 at 0 % over 12 months, equal installments, applied on 2026-01-10 (not yet approved)."""
    data = {
        "borrower": borrower.id if hasattr(borrower, "id") else borrower,
        "amount": "12000",
        "annual_rate": "0",
        "months": 12,
        "method": "equal-installment",
        "purpose": "创业",
        "business": "洗车行",
        "applied": dt.date(2026, 1, 10),
    }
    data.update(overrides)
    return data


def disbursed_data(borrower, disbursed=dt.date(2026, 1, 31), **overrides) -> dict:
    """The same loan, approved and disbursed on ``disbursed``."""
    data = loan_data(borrower, applied=disbursed - dt.timedelta(days=12),
                     approved=disbursed - dt.timedelta(days=5), disbursed=disbursed)
    data.update(overrides)
    return data


def make_loan(borrower, *, today=TODAY, **overrides) -> Loan:
    return create_loan(disbursed_data(borrower, **overrides), today=today)


def counts() -> tuple[int, ...]:
    return tuple(model.select().count()
                 for model in (Policy, Borrower, Loan, LoanPartner, Repayment, LoanEvent, Audit))


@contextmanager
def refused(*fields):
    """The block must raise ValidationError naming each of ``fields`` and write nothing.

    Yields a dict that is filled with the errors once the block has raised.
    """
    before = counts()
    errors: dict = {}
    with pytest.raises(ValidationError) as info:
        yield errors
    errors.update(info.value.errors)
    for field in fields:
        assert field in info.value.errors, info.value.errors
    assert counts() == before, "a refused write left rows behind"


@pytest.fixture
def branch(db):
    return create_branch({"name": "居民六支部", "community": "六区居委会"}, today=TODAY)


@pytest.fixture
def policy(db):
    return save_policy(policy_data())


@pytest.fixture
def borrower(db, branch):
    return save_borrower(borrower_data(branch.id), today=TODAY)


@pytest.fixture
def other_borrower(db, branch):
    return save_borrower(borrower_data(branch.id, "柴如莲", birth=dt.date(1971, 3, 8), sequence=22,
                                       region="410403"), today=TODAY)


@pytest.fixture
def world(policy, borrower):
    """The policy and the borrower, ready for a loan."""
    return borrower
