"""The town overview's figures."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import TODAY

from branchtui.domain.branches import create_branch, update_branch
from branchtui.domain.idcard import make_id_number
from branchtui.domain.members import create_member, update_member
from branchtui.domain.rooms import save_room
from branchtui.domain.summary import town_summary
from branchtui.store.models import Member


# ------------------------------------------------------------------ demo town


def test_demo_town_summary(demo_db):
    data = town_summary(TODAY).to_json()
    assert data["as_of"] == "2026-11-27"
    assert data["committee"] == "镇党委"
    assert data["branches"] == 8
    assert data["members"]["total"] == 74
    assert data["members"]["full"] + data["members"]["probationary"] == 74
    assert data["members"]["probationary"] > 0
    assert data["rooms"]["total"] == 8


def test_demo_branch_rows(demo_db):
    summary = town_summary(TODAY)
    rows = {b.name: b for b in summary.branches}
    assert list(rows) == [f"居民{n}支部" for n in "一二三四五六七八"]
    assert rows["居民一支部"].secretary == "张彩风"
    assert rows["居民四支部"].secretary == "张秀玲"
    assert rows["居民六支部"].secretary == "温东莲"
    assert all(b.room for b in summary.branches)
    for b in summary.branches:
        assert b.full + b.probationary == b.members
        # the per-branch figure agrees with the rows actually stored
        assert b.members == Member.select().where(
            (Member.branch == b.id) & (Member.status == "正常")).count()
    assert rows["居民一支部"].members == 12
    assert 0.0 < rows["居民一支部"].full_ratio <= 1.0


def test_demo_long_ago_had_fewer_members(demo_db):
    now = town_summary(TODAY)
    earlier = town_summary(dt.date(1990, 1, 1))
    assert earlier.members < now.members
    assert earlier.branches and len(earlier.branches) == 8  # branches are listed regardless


def test_default_as_of_is_today(db):
    assert town_summary().as_of == dt.date.today()


def test_empty_database(db):
    data = town_summary(TODAY).to_json()
    assert data["branches"] == 0
    assert data["members"] == {"total": 0, "full": 0, "probationary": 0}
    assert data["rooms"]["total"] == 0


# ------------------------------------------------------------------ small town


@pytest.fixture
def town(db):
    one = create_branch({"name": "居民一支部"}, today=TODAY)
    two = create_branch({"name": "居民二支部"}, today=TODAY)
    people = {}

    def add(branch, name, seq, birth, join, full, status="正常"):
        people[name] = create_member({
            "branch": branch.id, "name": name, "birth_date": birth,
            "id_number": make_id_number("410402", birth, seq),
            "join_date": join, "full_date": full, "status": status,
        }, today=TODAY)

    add(one, "王建国", 1, dt.date(1960, 1, 1), dt.date(1985, 7, 1), dt.date(1986, 7, 1))
    add(one, "李秀英", 2, dt.date(1990, 5, 5), dt.date(2020, 3, 1), dt.date(2021, 3, 1))
    add(one, "刘海", 3, dt.date(2000, 8, 8), dt.date(2026, 6, 1), None)
    add(two, "陈静", 4, dt.date(1975, 2, 2), dt.date(2000, 7, 1), dt.date(2001, 7, 1), status="转出")
    add(two, "赵敏", 6, dt.date(1980, 2, 2), dt.date(2010, 7, 1), dt.date(2011, 7, 1), status="去世")
    add(two, "孙斌", 7, dt.date(1985, 2, 2), dt.date(2012, 7, 1), dt.date(2013, 7, 1))
    save_room({"branch": one.id, "name": "一支部活动室"})
    return {"one": one, "two": two, **people}


def figures(as_of):
    s = town_summary(as_of)
    return s.members, s.full, s.probationary


def test_small_town_today(town):
    summary = town_summary(TODAY)
    assert figures(TODAY) == (4, 3, 1)  # 陈静 (转出) and 赵敏 (去世) not counted
    rows = {b.name: b for b in summary.branches}
    assert (rows["居民一支部"].members, rows["居民一支部"].probationary) == (3, 1)
    assert rows["居民二支部"].members == 1
    assert rows["居民一支部"].room == "一支部活动室"
    assert rows["居民二支部"].room is None
    assert summary.rooms == 1


def test_as_of_before_join_excludes_member(town):
    assert figures(dt.date(2026, 6, 1)) == (4, 3, 1)
    assert figures(dt.date(2026, 5, 31)) == (3, 3, 0)  # 刘海 not yet joined
    assert figures(dt.date(2020, 2, 29)) == (2, 2, 0)  # nor 李秀英
    assert figures(dt.date(1985, 6, 30)) == (0, 0, 0)


def test_full_date_after_as_of_counts_as_probationary(town):
    # 李秀英 joined 2020-03-01, became full 2021-03-01
    assert figures(dt.date(2020, 3, 1)) == (3, 2, 1)
    assert figures(dt.date(2021, 2, 28)) == (3, 2, 1)
    assert figures(dt.date(2021, 3, 1)) == (3, 3, 0)


def test_transferred_member_not_counted(town):
    before = figures(TODAY)
    m = town["孙斌"]
    update_member(m.id, {"branch": m.branch_id, "name": m.name, "birth_date": m.birth_date,
                         "id_number": m.id_number, "join_date": m.join_date, "full_date": m.full_date,
                         "status": "转出"}, today=TODAY)
    after = figures(TODAY)
    assert after == (before[0] - 1, before[1] - 1, before[2])
    rows = {b.name: b for b in town_summary(TODAY).branches}
    assert rows["居民二支部"].members == 0


def test_secretary_in_summary(town):
    one = town["one"]
    update_branch(one.id, {"name": one.name, "secretary": town["王建国"].id}, today=TODAY)
    rows = {b.name: b for b in town_summary(TODAY).branches}
    assert rows["居民一支部"].secretary == "王建国"
    assert rows["居民二支部"].secretary == ""


# ------------------------------------------------------------------ rooms against 三个一


def _round_dates():
    from branchtui.store.models import Inspection

    dates = sorted({i.date for i in Inspection.select(Inspection.date)})
    assert len(dates) == 2  # the demo's two rounds
    return dates


def test_demo_rooms_meet_the_standard(demo_db):
    rooms = town_summary(TODAY).to_json()["rooms"]
    assert rooms == {"total": 8, "meeting_standard": 8, "standard": "三个一",
                     "missing_items": [], "invested_fen": 9200000}  # 8万 building + 1.2万 equipment


def test_demo_rounds_are_this_year(demo_db):
    first, second = _round_dates()
    start = dt.date(TODAY.year, 1, 1)
    elapsed = (TODAY - start).days
    assert first == start + dt.timedelta(days=int(elapsed * 0.5))
    assert second == start + dt.timedelta(days=int(elapsed * 0.85))


def test_demo_between_the_rounds(demo_db):
    first, second = _round_dates()
    for as_of in (first, first + dt.timedelta(days=1), second - dt.timedelta(days=1)):
        summary = town_summary(as_of)
        rooms = summary.to_json()["rooms"]
        assert rooms["meeting_standard"] == 7, as_of
        assert rooms["missing_items"] == [
            {"branch": "居民三支部", "room": "居民三支部党员活动室", "items": ["VCD"]}]
        assert rooms["total"] == 8
        assert rooms["invested_fen"] == 9200000  # the equipment was bought before the first round
        rows = {b.name: b for b in summary.branches}
        assert rows["居民三支部"].room_meets is False
        assert (rows["居民三支部"].room_passed, rows["居民三支部"].room_items) == (2, 3)
        assert rows["居民一支部"].room_meets is True
    assert town_summary(second).to_json()["rooms"]["meeting_standard"] == 8


def test_demo_before_any_round(demo_db):
    first, _second = _round_dates()
    rooms = town_summary(first - dt.timedelta(days=1)).to_json()["rooms"]
    assert rooms["meeting_standard"] == 0
    assert rooms["total"] == 8
    assert len(rooms["missing_items"]) == 8
    assert all(m["items"] == ["彩电", "VCD", "电话"] for m in rooms["missing_items"])


def test_demo_before_the_equipment_was_bought(demo_db):
    assert town_summary(dt.date(TODAY.year, 1, 1)).invested_fen == 8000000  # building only


def test_new_failing_inspection_today(demo_db):
    from branchtui.domain.inspections import ItemResult, record_inspection
    from branchtui.domain.rooms import room_of_branch
    from branchtui.domain.standards import current_standard
    from branchtui.store.models import Branch

    standard = current_standard()
    branch = Branch.get(Branch.name == "居民五支部")
    room = room_of_branch(branch.id)
    record_inspection(room.id, {"date": TODAY, "inspector": "张彩风"},
                      [ItemResult(i.id, i.name != "电话", "线路中断" if i.name == "电话" else "")
                       for i in standard.items],
                      standard_id=standard.id, today=TODAY)
    summary = town_summary(TODAY)
    data = summary.to_json()["rooms"]
    assert data["meeting_standard"] == 7
    assert data["missing_items"] == [{"branch": "居民五支部", "room": room.name, "items": ["电话"]}]
    rows = {b.name: b for b in summary.branches}
    assert rows["居民五支部"].room_missing == ("电话",)
    assert rows["居民五支部"].room_meets is False
    # the ledger still has a working telephone: the disagreement shows
    assert rows["居民五支部"].room_disagrees == ("电话",)
    # yesterday's figures are unchanged
    assert town_summary(TODAY - dt.timedelta(days=1)).rooms_meeting_standard == 8


def test_summary_follows_the_current_standard(demo_db):
    from branchtui.domain.standards import add_item, create_standard, set_current

    six = create_standard({"name": "六有"})
    add_item(six.id, {"name": "活动场所", "category": "场所"})
    set_current(six.id)
    rooms = town_summary(TODAY).to_json()["rooms"]
    assert rooms["standard"] == "六有"
    assert rooms["meeting_standard"] == 0
    assert len(rooms["missing_items"]) == 8


def test_small_town_room_without_inspection(town):
    summary = town_summary(TODAY)
    rows = {b.name: b for b in summary.branches}
    assert rows["居民一支部"].room_meets is False
    assert rows["居民一支部"].room_missing == ("彩电", "VCD", "电话")
    assert rows["居民二支部"].room is None
    assert rows["居民二支部"].room_missing == ()
    assert rows["居民二支部"].room_meets is False
    rooms = summary.to_json()["rooms"]
    assert rooms["meeting_standard"] == 0
    assert rooms["missing_items"] == [
        {"branch": "居民一支部", "room": "一支部活动室", "items": ["彩电", "VCD", "电话"]}]
    assert rooms["invested_fen"] == 0


# ------------------------------------------------------------------ activities, 122 targets, campaign


def test_demo_activities_targets_and_campaign(demo_db):
    from branchtui.store.models import Activity, Target

    summary = town_summary(TODAY)
    data = summary.to_json()
    plain = Activity.select().where((Activity.date >= dt.date(TODAY.year, 1, 1))
                                    & (Activity.date <= TODAY)).count()
    assert data["activities_this_year"] > 0
    assert data["activities_this_year"] == plain
    targets = data["targets"]
    assert set(targets) == {"expected", "actual"}
    assert targets["expected"] == sum(t.expected for t in Target.select().where(Target.year == TODAY.year))
    assert 0 < targets["actual"] <= targets["expected"]
    assert targets["actual"] < targets["expected"]  # the demo town is not done yet
    for b in summary.branches:
        assert 0 <= b.target_counted <= b.target_expected
        assert b.target_ratio is not None and 0 <= b.target_ratio <= 1
    assert data["campaign"] == {"phases": 4, "branches_done": 0}
    behind = [b.name for b in summary.behind]
    assert len(behind) == 3
    assert {"居民五支部", "居民八支部"} <= set(behind)
    ratios = [b.target_ratio for b in summary.behind]
    assert ratios == sorted(ratios)
    others = [b.target_ratio for b in summary.branches if b.name not in behind]
    assert max(ratios) <= min(others)


def test_demo_new_activities_move_the_branch_ratio(demo_db):
    from branchtui.domain.activities import kind_choices, save_activity
    from branchtui.store.models import Branch

    before = town_summary(TODAY)
    rows = {b.name: b for b in before.branches}
    five = Branch.get(Branch.name == "居民五支部")
    kinds = dict(kind_choices())
    for kind in ("再就业培训", "再就业培训", "党课", "党课", "党课"):
        save_activity({"kind": kinds[kind], "date": TODAY - dt.timedelta(days=3), "branch": five.id,
                       "topic": "补课", "others": "10"}, today=TODAY)
    after = town_summary(TODAY)
    new = {b.name: b for b in after.branches}
    assert after.activities_this_year == before.activities_this_year + 5
    assert new["居民五支部"].target_ratio > rows["居民五支部"].target_ratio
    assert new["居民五支部"].target_counted == rows["居民五支部"].target_counted + 5
    assert new["居民五支部"].target_expected == rows["居民五支部"].target_expected
    assert new["居民一支部"].target_ratio == rows["居民一支部"].target_ratio
    assert after.to_json()["targets"]["actual"] == before.to_json()["targets"]["actual"] + 5
    # 居民五支部 caught up on the trainings and lessons: no longer the furthest behind
    assert after.behind[0].name != "居民五支部"


def test_small_town_targets_and_campaign(town):
    from branchtui.domain.activities import kind_choices, save_activity
    from branchtui.domain.campaign import create_campaign, phases_of, set_branch_progress
    from branchtui.domain.targets import set_target

    one, two = town["one"], town["two"]
    kinds = dict(kind_choices())
    set_target({"branch": one.id, "year": TODAY.year, "measure": f"kind:{kinds['党课']}", "expected": 4})
    set_target({"branch": two.id, "year": TODAY.year, "measure": f"kind:{kinds['党课']}", "expected": 2})
    for day, branch in (("2026-03-01", one), ("2026-09-01", one), ("2025-12-01", one),
                        ("2026-04-01", two), ("2026-05-01", two), ("2026-06-01", two)):
        save_activity({"kind": kinds["党课"], "date": day, "branch": branch.id, "topic": "党课"}, today=TODAY)
    summary = town_summary(TODAY)
    rows = {b.name: b for b in summary.branches}
    assert (rows["居民一支部"].target_expected, rows["居民一支部"].target_counted) == (4, 2)
    assert rows["居民一支部"].target_ratio == pytest.approx(0.5)
    assert (rows["居民二支部"].target_counted, rows["居民二支部"].target_ratio) == (2, 1.0)  # 3 held, 2 counted
    data = summary.to_json()
    assert data["activities_this_year"] == 5
    assert data["targets"] == {"expected": 6, "actual": 4}
    assert [b.name for b in summary.behind] == ["居民一支部"]  # a branch at 100 % is not behind
    earlier = town_summary(dt.date(2026, 4, 15))
    assert earlier.activities_this_year == 2
    assert earlier.to_json()["targets"] == {"expected": 6, "actual": 2}
    assert data["campaign"] == {"phases": 0, "branches_done": 0}

    campaign = create_campaign({"name": "先进性教育活动", "start": "2026-02-01"}, [
        {"name": "学习动员", "planned_start": "2026-02-01", "planned_end": "2026-05-31"},
        {"name": "总结巩固", "planned_start": "2026-06-01", "planned_end": "2026-12-31"}])
    last = phases_of(campaign.id)[-1]
    set_branch_progress(campaign.id, {"branch": two.id, "phase": last.id, "members_taking_part": 1,
                                      "completed_on": "2026-11-01"}, today=TODAY)
    assert town_summary(TODAY).to_json()["campaign"] == {"phases": 2, "branches_done": 1}
    assert town_summary(dt.date(2026, 10, 31)).to_json()["campaign"] == {"phases": 2, "branches_done": 0}
