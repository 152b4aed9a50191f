"""Every public writer of domain/, called as a viewer and as the secretary of
another branch: refused with PermissionDenied, the refusal audited, nothing
else written. The writers are discovered from the code (tests/domain/
gate_discovery.py); a writer without a case here fails the suite."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from branchtui.domain import access
from branchtui.domain.access import PermissionDenied
from branchtui.store.models import ALL_MODELS, Audit, FiguresCache, WriteVersion
from tests.conftest import TODAY, login_as
from tests.domain.gate_discovery import writers
from tests.domain.loans.conftest import borrower_data, loan_data, policy_data

D = "2026-11-20"


def _member_data(ctx, branch_id=1, seq=777):
    from branchtui.domain.idcard import make_id_number

    return {"branch": branch_id, "name": "新党员", "id_number": make_id_number("410402", dt.date(1990, 1, 2), seq),
            "join_date": "2015-07-01", "full_date": "2016-07-01"}


def _member_update(ctx):
    from branchtui.store.models import Member

    m = Member.get_by_id(ctx["member"])
    return {k: getattr(m, k) for k in ("name", "gender", "ethnicity", "birth_date", "id_number", "education",
                                       "join_date", "full_date", "phone", "status", "notes")} | {"branch": 1,
                                                                                                "notes": "改"}


def _in_gate(call):
    from branchtui.domain import audit

    with audit.transaction():
        return call()


def _ssh_key(n: int) -> str:
    """A well-formed ssh-ed25519 public key line, distinct for each ``n``."""
    import base64
    import struct

    def field(data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + data

    body = base64.b64encode(field(b"ssh-ed25519") + field(bytes([n]) * 32)).decode()
    return f"ssh-ed25519 {body} key{n}@test"


def _recorded_session():
    with _mod("sessions").recorded():
        pass


def _results(ctx):
    from branchtui.domain.inspections import ItemResult

    return [ItemResult(ctx["item"], True)]


CASES = {
    "access.add_user": lambda c: access.add_user("newbie", "viewer"),
    "access.remove_user": lambda c: access.remove_user("zhen"),
    "access.require": lambda c: access.require("member.update", 1, table="member"),
    "activities.add_kind": lambda c: __import__("branchtui.domain.activities", fromlist=["x"]).add_kind("新类别"),
    "activities.save_activity": lambda c: _mod("activities").save_activity(
        {"date": D, "topic": "学习", "kind": c["kind"], "branch": 1}, activity_id=c["activity"], today=TODAY),
    "branches.create_branch": lambda c: _mod("branches").create_branch({"name": "新支部"}, today=TODAY),
    "branches.ensure_committee": lambda c: _mod("branches").ensure_committee(),
    "branches.update_branch": lambda c: _mod("branches").update_branch(1, {"name": "居民一支部", "notes": "改"},
                                                                       today=TODAY),
    "campaign.add_survey": lambda c: _mod("campaign").add_survey(
        c["campaign"], {"kind": "座谈会", "date": D, "branch": 1}, today=TODAY),
    "campaign.create_campaign": lambda c: _mod("campaign").create_campaign(
        {"name": "新活动", "start": "2026-01-01"},
        [{"name": "学习", "planned_start": "2026-01-01", "planned_end": "2026-02-01"}]),
    "campaign.record_phase": lambda c: _mod("campaign").record_phase(
        c["campaign"], c["phase_data"], today=TODAY),
    "campaign.save_problem": lambda c: _mod("campaign").save_problem(
        c["campaign"], {"raised": "问题", "branch": 1}),
    "campaign.set_branch_progress": lambda c: _mod("campaign").set_branch_progress(
        c["campaign"], {"branch": 1, "phase": c["phase"]}, today=TODAY),
    "equipment.save_equipment": lambda c: _mod("equipment").save_equipment(
        {"name": "电视机", "room": c["room"]}, equipment_id=c["equipment"], today=TODAY),
    # Users and their SSH keys: the administrator's alone.
    "keys.add_key": lambda c: _mod("keys").add_key("holder", _ssh_key(2)),
    "keys.add_key_in_transaction": lambda c: _in_gate(lambda: _mod("keys").add_key_in_transaction(
        _user("holder"), _mod("keys").parse_key(_ssh_key(3)))),
    "keys.add_user": lambda c: _mod("keys").add_user("keyed", "viewer", None, [_ssh_key(4)]),
    "keys.remove_key": lambda c: _mod("keys").remove_key("holder", c["holder_key"]),
    "keys.remove_user": lambda c: _mod("keys").remove_user("leaver"),
    # Sessions: every login writes its login and logout rows, whatever the role
    # (see ALLOWED_FOR_EVERY_ROLE). end() writes only after a begin().
    "sessions.begin": lambda c: _mod("sessions").begin(),
    "sessions.end": lambda c: (_mod("sessions").begin(), _mod("sessions").end()),
    "sessions.recorded": lambda c: _recorded_session(),
    "honours.save_appraisal": lambda c: _mod("honours").save_appraisal({"year": 2026, "branch": 1}),
    "honours.save_honour": lambda c: _mod("honours").save_honour(
        {"name": "先进党支部", "level": "区级", "year": 2026, "branch": 1}),
    "inspections.record_inspection": lambda c: _mod("inspections").record_inspection(
        c["room"], {"date": D, "inspector": "王"}, _results(c), standard_id=c["standard"], today=TODAY),
    "inspections.record_round": lambda c: _mod("inspections").record_round(
        {"date": D, "inspector": "王"}, {c["room"]: _results(c)}, standard_id=c["standard"], today=TODAY),
    "members.create_member": lambda c: _mod("members").create_member(_member_data(c), today=TODAY),
    "members.update_member": lambda c: _mod("members").update_member(c["member"], _member_update(c), today=TODAY),
    "registers.save_register": lambda c: _mod("registers").save_register(
        {"date": D, "population": 100, "households": 40, "employed": 50, "laid_off": 5, "low_income": 3,
         "family_planning": 30, "branch": 1}, today=TODAY),
    "room_rules.save_rule": lambda c: _mod("room_rules").save_rule({"name": "新制度", "room": c["room"]},
                                                                   today=TODAY),
    "rooms.save_room": lambda c: _mod("rooms").save_room(c["room_data"], room_id=c["room"], today=TODAY),
    "standards.add_item": lambda c: _mod("standards").add_item(c["standard"], {"name": "新项目"}),
    "standards.create_standard": lambda c: _mod("standards").create_standard({"name": "七有"}),
    "standards.set_current": lambda c: _mod("standards").set_current(c["standard"]),
    "targets.set_target": lambda c: _mod("targets").set_target(
        {"year": 2026, "expected": 3, "measure": "rooms", "branch": 1}),
    # Loans (helper "loans" moves their validation inside the gate).
    "loans.borrowers.save_borrower": lambda c: _mod("loans.borrowers").save_borrower(
        borrower_data(1, "柴如莲", sequence=23), today=TODAY),
    "loans.guarantee.payout": lambda c: _mod("loans.guarantee").payout(
        c["unpaid"], {"date": D, "amount": "100"}, today=TODAY),
    "loans.guarantee.recover": lambda c: _mod("loans.guarantee").recover(
        c["paid_out"], {"date": TODAY, "amount": "100"}, today=TODAY),
    "loans.guarantee.write_off": lambda c: _mod("loans.guarantee").write_off(
        c["paid_out"], {"date": TODAY, "note": "核销"}, today=TODAY),
    "loans.outcomes.save_business": lambda c: _mod("loans.outcomes").save_business(
        {"name": "洗车行", "kind": _mod("loans.outcomes").BUSINESS_KINDS[0], "branch": 1, "registered": D},
        today=TODAY),
    "loans.outcomes.save_placement": lambda c: _mod("loans.outcomes").save_placement(
        {"person": "王建国", "channel": _mod("loans.outcomes").CHANNELS[0], "branch": 1, "date": D}, today=TODAY),
    "loans.policy.save_policy": lambda c: _mod("loans.policy").save_policy(policy_data(name="新政策")),
    "loans.repayments.record_repayment": lambda c: _mod("loans.repayments").record_repayment(
        c["loan"], {"date": D, "principal": "100"}, today=TODAY),
    "loans.repayments.reverse_repayment": lambda c: _mod("loans.repayments").reverse_repayment(
        c["repayment"], {"date": D, "note": "录错"}, today=TODAY),
    "loans.service.approve": lambda c: _mod("loans.service").approve(c["applied"], {"date": D}, today=TODAY),
    "loans.service.change_state": lambda c: _in_gate(lambda: _mod("loans.service").change_state(
        _loan(c["applied_b"]), _mod("loans.service").WITHDRAWN, TODAY)),
    "loans.service.create_loan": lambda c: _mod("loans.service").create_loan(loan_data(c["borrower"]), today=TODAY),
    "loans.service.disburse": lambda c: _mod("loans.service").disburse(c["approved"], {"date": D}, today=TODAY),
    "loans.service.extend": lambda c: _mod("loans.service").extend(
        c["loan"], {"date": D, "months": 6}, today=TODAY),
    "loans.service.withdraw": lambda c: _mod("loans.service").withdraw(c["applied_c"], {"date": D, "note": "撤回"},
                                                                       today=TODAY),
}


def _mod(name):
    import importlib

    return importlib.import_module(f"branchtui.domain.{name}")


def _user(login):
    from branchtui.store.users import User

    return User.get(User.login == login)


def _loan(loan_id):
    from branchtui.store.models import Loan

    return Loan.get_by_id(loan_id)


def _short(qualified: str) -> str:
    return qualified.removeprefix("branchtui.domain.")


WRITERS = [_short(name) for name in writers()]
# Writers every role may call, so not refused for a viewer or another branch's
# secretary: the login and logout rows of sessions are written for every
# person who opens the program, a viewer included (who is online is shown to
# all). They stay in the administrator's test below.
ALLOWED_FOR_EVERY_ROLE = frozenset({"sessions.begin", "sessions.end", "sessions.recorded"})
REFUSING_WRITERS = [name for name in WRITERS if name not in ALLOWED_FOR_EVERY_ROLE]


def test_every_discovered_writer_has_a_case():
    missing = sorted(set(WRITERS) - set(CASES))
    assert missing == [], f"writers without a permission case: {missing}"
    assert sorted(set(CASES) - set(WRITERS)) == [], "cases for functions that no longer write"
    assert ALLOWED_FOR_EVERY_ROLE <= set(WRITERS), "exemptions for functions that no longer write"


@pytest.fixture
def world(demo_db, monkeypatch):
    """The demo town with staff; records of 居民一支部 (branch 1) to aim at."""
    from branchtui.domain.campaign import current_campaign, phases_of
    from branchtui.domain.standards import current_standard
    from branchtui.store.models import (Activity, ActivityKind, Equipment, Loan, Member, Repayment,
                                        Room)

    login_as("root")
    access.add_user("root", "admin")
    access.add_user("sec2", "secretary", "居民二支部")
    access.add_user("kan", "viewer")
    access.add_user("zhen", "committee")
    keys = _mod("keys")
    keys.add_user("holder", "viewer", None, [_ssh_key(1)])
    keys.add_user("leaver", "viewer", None, [_ssh_key(5)])
    room = Room.get(Room.branch == 1)
    standard = current_standard()
    loan = Loan.select().where((Loan.branch == 1) & (Loan.state == "还款中")).order_by(Loan.id).first()
    service = _mod("loans.service")
    applied = service.create_loan(loan_data(loan.borrower_id), today=TODAY)
    applied_b = service.create_loan(loan_data(loan.borrower_id), today=TODAY)
    applied_c = service.create_loan(loan_data(loan.borrower_id), today=TODAY)
    # never repaid since early 2025: long past the payout waiting period
    unpaid = service.create_loan(loan_data(loan.borrower_id, applied=dt.date(2024, 12, 1),
                                           approved=dt.date(2024, 12, 10), disbursed=dt.date(2025, 1, 10)),
                                 today=TODAY)
    paid_out = Loan.select().where((Loan.state == "代偿") & (Loan.branch != 2)).first()
    approved = service.create_loan(loan_data(loan.borrower_id, approved=dt.date(2026, 1, 15)), today=TODAY)
    campaign = current_campaign()
    ctx = {
        "room": room.id, "standard": standard.id, "item": standard.items[0].id,
        "room_data": {"name": room.name, "branch": 1, "area_m2": room.area_m2, "origin": room.origin,
                      "origin_year": room.origin_year, "build_cost": Decimal(room.build_cost or 0)},
        "equipment": Equipment.select().where(Equipment.room == room.id).first().id,
        "kind": ActivityKind.select().first().id,
        "activity": Activity.select().where(Activity.branch == 1).first().id,
        "member": Member.select().where(Member.branch == 1).order_by(Member.id.desc()).first().id,
        "campaign": campaign.id, "phase": phases_of(campaign.id)[0].id,
        "phase_data": {"phase": phases_of(campaign.id)[0].id, "actual_start": phases_of(campaign.id)[0].actual_start,
                       "actual_end": phases_of(campaign.id)[0].actual_end},
        "loan": loan.id, "borrower": loan.borrower_id, "applied": applied.id, "approved": approved.id,
        "applied_b": applied_b.id, "applied_c": applied_c.id, "unpaid": unpaid.id, "paid_out": paid_out.id,
        "repayment": Repayment.select().where(Repayment.loan == loan.id).first().id,
        "holder_key": keys.parse_key(_ssh_key(1)).fingerprint,
    }
    return ctx, monkeypatch


def _fingerprint() -> str:
    """Every row of every table but the audit trail, the figures cache and the
    write counter (bumped with every audit row, a refusal's included)."""
    digest = hashlib.sha256()
    for model in sorted(ALL_MODELS, key=lambda m: m._meta.table_name):
        if model in (Audit, FiguresCache, WriteVersion):
            continue
        for row in model.select().order_by(model._meta.primary_key).tuples():
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("login", ["kan", "sec2"])
@pytest.mark.parametrize("writer", REFUSING_WRITERS)
def test_writer_refuses_viewer_and_other_branch_secretary(writer, login, world, request):
    ctx, monkeypatch = world
    case = CASES[writer]
    login_as(login)
    before, last = _fingerprint(), Audit.select().order_by(Audit.id.desc()).first().id
    with pytest.raises(PermissionDenied):
        case(ctx)
    assert _fingerprint() == before, "nothing of the refused write stays"
    new = list(Audit.select().where(Audit.id > last))
    assert [(row.action, row.login) for row in new] == [("refused", login)]


def test_the_cases_are_valid_writes_for_an_administrator(world):
    """The refusals above are for the role, not bad input: as admin the same
    calls go through (those that change shared state last)."""
    ctx, monkeypatch = world
    login_as("root")
    failures = {}
    for writer in WRITERS:
        try:
            CASES[writer](ctx)
        except Exception as exc:  # collected, to name every bad case at once
            failures[writer] = repr(exc)
    assert failures == {}
