"""The party education campaign (先进性教育活动): phases in order, each branch
reaching them in turn, symposiums and survey forms, problems and rectification."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import TODAY

from branchtui.domain.branches import create_branch
from branchtui.domain.campaign import (add_survey, board, create_campaign, current_campaign, phases_of,
                                       record_phase, save_problem, set_branch_progress)
from branchtui.domain.errors import NotFound, ValidationError
from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import create_member
from branchtui.store.models import (Audit, Campaign, CampaignBranch, CampaignPhase, Problem, Survey)

PHASES = [
    {"name": "学习动员", "planned_start": "2026-02-01", "planned_end": "2026-03-31"},
    {"name": "分析评议", "planned_start": "2026-04-01", "planned_end": "2026-06-30"},
    {"name": "整改提高", "planned_start": "2026-07-01", "planned_end": "2026-09-30"},
    {"name": "总结巩固", "planned_start": "2026-10-01", "planned_end": "2026-12-31"},
]
HEADER = {"name": "党员先进性教育活动", "theme": "树立形象，增强党性，发挥作用",
          "start": "2026-02-01", "end": "2026-12-31"}


def phases(**changes):
    """PHASES with some changed: phases(p2={"planned_start": ...})."""
    out = [dict(p) for p in PHASES]
    for key, change in changes.items():
        out[int(key[1:]) - 1].update(change)
    return out


def _counts():
    return (Campaign.select().count(), CampaignPhase.select().count(), CampaignBranch.select().count(),
            Survey.select().count(), Problem.select().count(), Audit.select().count())


@pytest.fixture
def town(db):
    one = create_branch({"name": "居民一支部"}, today=TODAY)
    two = create_branch({"name": "居民二支部"}, today=TODAY)
    three = create_branch({"name": "居民三支部"}, today=TODAY)
    seq = iter(range(1, 100))

    def add(branch, name, status="正常"):
        birth = dt.date(1970, 1, 1)
        create_member({"branch": branch.id, "name": name, "birth_date": birth,
                       "id_number": make_id_number("410402", birth, next(seq)),
                       "join_date": dt.date(1995, 7, 1), "full_date": dt.date(1996, 7, 1),
                       "status": status}, today=TODAY)

    for name in ("王建国", "李秀英", "刘海"):
        add(one, name)
    add(one, "陈静", status="转出")
    add(two, "孙斌")
    return {"one": one, "two": two, "three": three}


@pytest.fixture
def campaign(town):
    made = create_campaign(HEADER, PHASES)
    rows = phases_of(made.id)
    return {**town, "campaign": made, "phases": rows}


# ------------------------------------------------------------------ create


def test_create_campaign_with_phases_in_order(town):
    before = Audit.select().count()
    made = create_campaign(HEADER, PHASES)
    rows = phases_of(made.id)
    assert [(p.position, p.name) for p in rows] == [(1, "学习动员"), (2, "分析评议"), (3, "整改提高"), (4, "总结巩固")]
    assert rows[0].planned_start == dt.date(2026, 2, 1) and rows[-1].planned_end == dt.date(2026, 12, 31)
    assert all(p.actual_start is None and p.actual_end is None for p in rows)
    stored = Campaign.get_by_id(made.id)
    assert (stored.name, stored.start, stored.end) == ("党员先进性教育活动", dt.date(2026, 2, 1), dt.date(2026, 12, 31))
    assert current_campaign().id == made.id
    audits = list(Audit.select().where(Audit.id > 0).order_by(Audit.id))[before:]
    assert [(a.table, a.action) for a in audits] == [("campaign", "create")] + [("campaign_phase", "create")] * 4
    assert {a.row_id for a in audits[1:]} == {p.id for p in rows}


def test_phase_may_start_the_day_after_the_previous_ends(town):
    made = create_campaign(HEADER, phases(p2={"planned_start": "2026-04-01"}))
    assert len(phases_of(made.id)) == 4


@pytest.mark.parametrize("changes, field", [
    ({"p2": {"planned_start": "2026-03-15"}}, "phase2"),  # starts before phase 1 ends
    ({"p3": {"planned_start": "2026-06-01"}}, "phase3"),
    ({"p4": {"planned_start": "2026-02-15"}}, "phase4"),
    ({"p2": {"planned_end": "2026-03-31"}}, "phase2"),  # ends before it starts
    ({"p4": {"planned_end": "2026-09-30"}}, "phase4"),
    ({"p1": {"planned_start": "2026-01-15"}}, "phase1"),  # before the campaign starts
    ({"p1": {"name": ""}}, "phase1"),
    ({"p3": {"planned_start": "2026-02-30"}}, "phase3"),
    ({"p3": {"planned_end": ""}}, "phase3"),
])
def test_phases_out_of_order_refused_writing_nothing(town, changes, field):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        create_campaign(HEADER, phases(**changes))
    assert field in info.value.errors, info.value.errors
    assert _counts() == before


def test_campaign_header_refusals(town):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        create_campaign({**HEADER, "name": "", "end": "2026-01-01"}, PHASES)
    assert {"name", "end"} <= set(info.value.errors)
    with pytest.raises(ValidationError) as info:
        create_campaign(HEADER, [])
    assert "phase1" in info.value.errors
    assert _counts() == before


def test_current_campaign_is_the_latest(town):
    create_campaign({**HEADER, "start": "2025-01-01", "name": "去年的活动"},
                    [{"name": "学习", "planned_start": "2025-01-01", "planned_end": "2025-12-31"}])
    latest = create_campaign(HEADER, PHASES)
    assert current_campaign().id == latest.id
    assert len(board(TODAY).phases) == 4


# ------------------------------------------------------------------ record_phase


def rec(world, n, start=None, end=None, today=TODAY):
    return record_phase(world["campaign"].id, {"phase": world["phases"][n - 1].id,
                                               "actual_start": start, "actual_end": end}, today=today)


def test_record_phases_in_turn(campaign):
    rec(campaign, 1, "2026-02-01", "2026-03-31")
    rec(campaign, 2, "2026-03-31", "2026-06-30")  # may start the day the previous ended
    phase = rec(campaign, 3, "2026-07-02")
    stored = CampaignPhase.get_by_id(phase.id)
    assert (stored.actual_start, stored.actual_end) == (dt.date(2026, 7, 2), None)
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("campaign_phase", "update", phase.id)
    assert json.loads(row.before)["actual_start"] is None
    assert json.loads(row.after)["actual_start"] == "2026-07-02"


def test_record_start_before_previous_ended_refused(campaign):
    rec(campaign, 1, "2026-02-01", "2026-03-31")
    before = _counts()
    with pytest.raises(ValidationError) as info:
        rec(campaign, 2, "2026-03-30")
    assert set(info.value.errors) == {"actual_start"}
    assert "2026-03-31" in info.value.errors["actual_start"]
    assert _counts() == before
    assert CampaignPhase.get_by_id(campaign["phases"][1].id).actual_start is None


def test_record_start_while_previous_not_ended_refused(campaign):
    rec(campaign, 1, "2026-02-01")
    before = _counts()
    with pytest.raises(ValidationError) as info:
        rec(campaign, 2, "2026-04-01")
    assert set(info.value.errors) == {"actual_start"}
    assert "学习动员" in info.value.errors["actual_start"]
    assert _counts() == before


def test_record_start_while_previous_not_started_refused(campaign):
    with pytest.raises(ValidationError) as info:
        rec(campaign, 2, "2026-04-01")
    assert "actual_start" in info.value.errors


def test_record_end_before_start_refused(campaign):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        rec(campaign, 1, "2026-02-10", "2026-02-09")
    assert set(info.value.errors) == {"actual_end"}
    assert _counts() == before


def test_record_end_without_start_refused(campaign):
    with pytest.raises(ValidationError) as info:
        rec(campaign, 1, None, "2026-03-31")
    assert "actual_start" in info.value.errors


@pytest.mark.parametrize("start, end, field", [
    ("2026-11-28", None, "actual_start"),
    ("2026-02-01", "2026-11-28", "actual_end"),
])
def test_record_future_date_refused(campaign, start, end, field):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        rec(campaign, 1, start, end)
    assert field in info.value.errors
    assert _counts() == before


def test_record_today_accepted(campaign):
    assert rec(campaign, 1, "2026-02-01", TODAY).actual_end == TODAY


def test_record_unknown_phase_refused_at_the_field(campaign):
    # The phase comes from a picker in the form: an unknown one is a field message.
    with pytest.raises(ValidationError) as exc:
        record_phase(campaign["campaign"].id, {"phase": 9999, "actual_start": "2026-02-01"}, today=TODAY)
    assert "phase" in exc.value.errors


def test_record_phase_of_another_campaign_refused(campaign):
    other = create_campaign({**HEADER, "name": "另一次"}, PHASES)
    with pytest.raises(ValidationError) as exc:
        record_phase(other.id, {"phase": campaign["phases"][0].id, "actual_start": "2026-02-01"}, today=TODAY)
    assert "不属于本次活动" in exc.value.errors["phase"]


def test_moving_a_phase_end_past_the_next_start_refused(campaign):
    """Actual dates run in order in both directions: once phase 2 has started,
    phase 1 cannot be made to end after that day (nor be re-opened)."""
    rec(campaign, 1, "2026-02-01", "2026-03-31")
    rec(campaign, 2, "2026-04-01")
    with pytest.raises(ValidationError):
        rec(campaign, 1, "2026-02-01", "2026-05-15")
    assert CampaignPhase.get_by_id(campaign["phases"][0].id).actual_end == dt.date(2026, 3, 31)


# ------------------------------------------------------------------ branches' progress


def progress(world, branch, phase=None, members=0, done=None, today=TODAY):
    return set_branch_progress(world["campaign"].id, {
        "branch": world[branch].id, "phase": world["phases"][phase - 1].id if phase else "",
        "members_taking_part": members, "completed_on": done}, today=today)


def test_branch_progress_saved_and_updated(campaign):
    row = progress(campaign, "one", phase=2, members=3)
    assert (row.phase_id, row.members_taking_part, row.completed_on) == (campaign["phases"][1].id, 3, None)
    again = progress(campaign, "one", phase=3, members=2)
    assert again.id == row.id
    assert CampaignBranch.select().count() == 1
    stored = CampaignBranch.get_by_id(row.id)
    assert (stored.phase_id, stored.members_taking_part) == (campaign["phases"][2].id, 2)
    audit = Audit.select().order_by(Audit.id.desc()).first()
    assert (audit.table, audit.action) == ("campaign_branch", "update")
    assert json.loads(audit.before)["members_taking_part"] == 3


def test_members_taking_part_above_members_in_good_standing_refused(campaign):
    # 居民一支部 has 3 members in good standing (陈静 was transferred out)
    before = _counts()
    with pytest.raises(ValidationError) as info:
        progress(campaign, "one", phase=2, members=4)
    assert set(info.value.errors) == {"members_taking_part"}
    assert "3" in info.value.errors["members_taking_part"]
    assert _counts() == before
    with pytest.raises(ValidationError) as info:
        progress(campaign, "three", phase=1, members=1)  # a branch with no members
    assert "members_taking_part" in info.value.errors
    assert progress(campaign, "one", phase=2, members=3).members_taking_part == 3


@pytest.mark.parametrize("phase", [None, 1, 3])
def test_completed_only_at_the_last_phase(campaign, phase):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        progress(campaign, "two", phase=phase, members=1, done="2026-11-20")
    assert set(info.value.errors) == {"completed_on"}
    assert _counts() == before


def test_completed_at_the_last_phase(campaign):
    row = progress(campaign, "two", phase=4, members=1, done="2026-11-20")
    assert row.completed_on == dt.date(2026, 11, 20)


def test_completed_in_the_future_refused(campaign):
    with pytest.raises(ValidationError) as info:
        progress(campaign, "two", phase=4, members=1, done="2026-11-28")
    assert "completed_on" in info.value.errors


def test_phase_of_another_campaign_refused(campaign):
    other = create_campaign({**HEADER, "name": "另一次"}, PHASES)
    before = _counts()
    with pytest.raises(ValidationError) as info:
        set_branch_progress(campaign["campaign"].id, {"branch": campaign["one"].id,
                                                      "phase": phases_of(other.id)[0].id}, today=TODAY)
    assert "phase" in info.value.errors
    assert _counts() == before


def test_unknown_branch_refused(campaign):
    with pytest.raises(ValidationError) as info:
        set_branch_progress(campaign["campaign"].id, {"branch": 9999, "phase": campaign["phases"][0].id},
                            today=TODAY)
    assert "branch" in info.value.errors


# ------------------------------------------------------------------ board


def test_board_rows_per_branch(campaign):
    progress(campaign, "one", phase=2, members=3)
    progress(campaign, "two", phase=4, members=1, done="2026-11-20")
    b = board(TODAY)
    assert b.campaign.id == campaign["campaign"].id
    assert [p.position for p in b.phases] == [1, 2, 3, 4]
    assert b.rows == [
        (campaign["one"].id, "居民一支部", 2, 3, None),
        (campaign["two"].id, "居民二支部", 4, 1, dt.date(2026, 11, 20)),
        (campaign["three"].id, "居民三支部", None, 0, None),
    ]
    assert b.branches_done == 1


def test_board_done_as_of(campaign):
    progress(campaign, "two", phase=4, members=1, done="2026-11-20")
    assert board(dt.date(2026, 11, 19)).branches_done == 0
    assert board(dt.date(2026, 11, 20)).branches_done == 1
    assert board().branches_done == 1


def test_board_without_campaign(town):
    b = board(TODAY)
    assert (b.campaign, b.phases, b.rows, b.branches_done) == (None, [], [], 0)


def test_board_lists_surveys_by_date_and_problems(campaign):
    cid = campaign["campaign"].id
    add_survey(cid, {"kind": "调查表", "date": "2026-05-01", "issued": "400", "returned": "362"}, today=TODAY)
    add_survey(cid, {"kind": "座谈会", "date": "2026-04-01"}, today=TODAY)
    save_problem(cid, {"raised": "活动室开放时间短"})
    b = board(TODAY)
    assert [s.kind for s in b.surveys] == ["座谈会", "调查表"]
    assert [p.raised for p in b.problems] == ["活动室开放时间短"]


# ------------------------------------------------------------------ surveys and problems


def test_survey_saved_with_audit(campaign):
    before = Audit.select().count()
    survey = add_survey(campaign["campaign"].id, {"kind": "调查表", "date": "2026-05-01", "issued": "400",
                                                  "returned": "400", "branch": campaign["one"].id}, today=TODAY)
    stored = Survey.get_by_id(survey.id)
    assert (stored.issued, stored.returned, stored.branch_id) == (400, 400, campaign["one"].id)
    assert Audit.select().count() == before + 1


@pytest.mark.parametrize("overrides, field", [
    ({"issued": "400", "returned": "401"}, "returned"),
    ({"issued": "0", "returned": "1"}, "returned"),
    ({"kind": "问卷"}, "kind"),
    ({"date": "2026-11-28"}, "date"),
    ({"date": ""}, "date"),
    ({"issued": "-5"}, "issued"),
])
def test_survey_refusals_write_nothing(campaign, overrides, field):
    data = {"kind": "调查表", "date": "2026-05-01", "issued": "400", "returned": "362"}
    data.update(overrides)
    before = _counts()
    with pytest.raises(ValidationError) as info:
        add_survey(campaign["campaign"].id, data, today=TODAY)
    assert field in info.value.errors, info.value.errors
    assert _counts() == before


def test_problem_rectified_needs_the_rectification(campaign):
    cid = campaign["campaign"].id
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_problem(cid, {"raised": "活动室开放时间短", "status": "已整改", "rectification": "  "})
    assert set(info.value.errors) == {"rectification"}
    assert _counts() == before
    problem = save_problem(cid, {"raised": "活动室开放时间短", "status": "已整改",
                                 "rectification": "延长开放时间，公示管理员电话"})
    assert Problem.get_by_id(problem.id).status == "已整改"


def test_problem_defaults_and_update(campaign):
    cid = campaign["campaign"].id
    problem = save_problem(cid, {"raised": "下岗职工培训项目少", "branch": campaign["two"].id})
    stored = Problem.get_by_id(problem.id)
    assert (stored.status, stored.source, stored.branch_id) == ("待整改", "调查表", campaign["two"].id)
    save_problem(cid, {"raised": "下岗职工培训项目少", "status": "整改中", "rectification": "增开家政培训班",
                       "source": "座谈会", "branch": campaign["two"].id}, problem_id=problem.id)
    assert Problem.select().count() == 1
    stored = Problem.get_by_id(problem.id)
    assert (stored.status, stored.source, stored.rectification) == ("整改中", "座谈会", "增开家政培训班")
    audit = Audit.select().order_by(Audit.id.desc()).first()
    assert (audit.table, audit.action, audit.row_id) == ("problem", "update", problem.id)
    assert json.loads(audit.before)["status"] == "待整改"


@pytest.mark.parametrize("overrides, field", [
    ({"raised": ""}, "raised"),
    ({"status": "已完成"}, "status"),
    ({"source": "信访"}, "source"),
    ({"due": "2026-13-01"}, "due"),
])
def test_problem_refusals(campaign, overrides, field):
    before = _counts()
    with pytest.raises(ValidationError) as info:
        save_problem(campaign["campaign"].id, {"raised": "部分党员联系群众不够", **overrides})
    assert field in info.value.errors
    assert _counts() == before


def test_update_missing_problem_is_not_found(campaign):
    """Like the other domain writes, a row deleted meanwhile is a NotFound, not a crash."""
    with pytest.raises(NotFound):
        save_problem(campaign["campaign"].id, {"raised": "部分党员联系群众不够"}, problem_id=9999)
