"""Bad input everywhere: whatever is typed into any field of any form, the
domain answers with a ValidationError (a Chinese message per field) or
accepts it — never another exception, and a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branchtui.domain.errors import ValidationError
from branchtui.store.models import Audit
from tests.conftest import TODAY
from tests.domain.test_bad_values_any_type import ANY

NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "\x1b[31m", "😀", "２００２年７月１日", "2002-02-30", "-1", "1e9",
                     "3,000.00", "0.3万", "9" * 40, "NaN", "inf", "１２", "居民一支部" * 30, "\u202e", "'; drop table x"]),
)
# Not only strings: any Python value (numbers of any size, NaN, bytes, dates,
# datetimes, lists, objects) in any field.
NASTY = st.one_of(NASTY_TEXT, ANY)


def _forms():
    from branchtui.domain import activities, branches, equipment, members, registers, room_rules, rooms
    from branchtui.domain.loans import borrowers, outcomes, service

    return {
        "member": (members.validate_member, ("branch", "name", "gender", "ethnicity", "birth_date", "id_number",
                                             "education", "join_date", "full_date", "phone", "status", "notes")),
        "branch": (branches.validate_branch, ("name", "community", "secretary", "founded", "phone", "notes")),
        "room": (rooms.validate_room, ("branch", "name", "address", "area_m2", "manager", "open_hours",
                                       "build_cost", "notes", "origin", "origin_year", "tags")),
        "equipment": (equipment.validate_equipment, ("room", "item", "name", "asset_no", "purchase_date", "cost",
                                                     "funding", "condition", "notes")),
        "rule": (room_rules.save_rule, ("room", "name", "adopted", "posted", "notes")),
        "activity": (activities.validate_activity, ("kind", "date", "branch", "room", "topic", "lecturer",
                                                    "members_expected", "members_present", "others", "notes")),
        "register": (registers.save_register, ("branch", "date", "population", "households", "employed",
                                               "laid_off", "low_income", "family_planning", "notes")),
        "borrower": (borrowers.validate_borrower, ("name", "id_number", "status", "certificate_no", "phone",
                                                   "address", "branch", "notes")),
        "loan": (service.validate_loan, ("borrower", "branch", "business", "amount", "annual_rate", "months",
                                         "method", "applied", "approved", "disbursed", "lender_office", "notes")),
        "business": (outcomes.save_business, ("name", "kind", "owner", "registered", "employees", "branch", "notes")),
        "placement": (outcomes.save_placement, ("person", "date", "channel", "branch", "notes")),
    }


@pytest.mark.parametrize("form", ["member", "branch", "room", "equipment", "rule", "activity", "register",
                                  "borrower", "loan", "business", "placement"])
def test_any_input_gives_a_field_message_or_is_accepted(demo_db, form):
    validate, fields = _forms()[form]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.fixed_dictionaries({f: NASTY for f in fields}))
    def check(data):
        audits = Audit.select().count()
        try:
            kwargs = {"today": TODAY} if form not in ("business", "placement", "rule", "register") else {"today": TODAY}
            validate(data, **kwargs)
        except ValidationError as exc:
            assert exc.errors, "a refusal names its fields"
            assert set(exc.errors) <= set(fields) | {"results", "state"}, exc.errors
            assert all(isinstance(m, str) and m for m in exc.errors.values())
            assert Audit.select().count() == audits, "a refusal writes nothing"

    check()


def test_control_characters_and_overlong_names_refused(db):
    from branchtui.domain.branches import create_branch

    for bad in ("居民\x00支部", "居民\x1b支部", "居" * 41):
        with pytest.raises(ValidationError) as exc:
            create_branch({"name": bad}, today=dt.date(2026, 1, 1))
        assert "name" in exc.value.errors
