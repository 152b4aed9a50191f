"""122工程 targets per branch and year; actual figures counted from the records."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.conftest import TODAY

from branchtui.domain.activities import kind_choices, save_activity
from branchtui.domain.branches import create_branch
from branchtui.domain.errors import ValidationError
from branchtui.domain.loans.outcomes import save_business, save_placement
from branchtui.domain.targets import measure_choices, measure_label, progress, set_target
from branchtui.store.models import Audit, Borrower, Loan, Target


@pytest.fixture
def town(db):
    one = create_branch({"name": "居民一支部"}, today=TODAY)
    two = create_branch({"name": "居民二支部"}, today=TODAY)
    kinds = {name: int(i) for name, i in kind_choices()}
    return {"one": one, "two": two, "kinds": kinds}


def kind_measure(town, name):
    return f"kind:{town['kinds'][name]}"


def add_activity(town, kind, branch, day="2026-05-10"):
    return save_activity({"kind": town["kinds"][kind], "date": day, "branch": branch.id,
                          "topic": "活动", "others": "10"}, today=TODAY)


def of(branch, year=2026, as_of=TODAY, rooms_meeting=frozenset()):
    rows = {p.branch_id: p for p in progress(year, as_of, set(rooms_meeting))}
    return rows[branch.id]


def line(branch_progress, measure):
    [found] = [ln for ln in branch_progress.lines if ln.measure == measure]
    return found


def _counts():
    return Target.select().count(), Audit.select().count()


# ------------------------------------------------------------------ set_target


def test_measures_are_the_kinds_then_the_other_four(town):
    codes = [code for _label, code in measure_choices()]
    assert codes[:9] == [f"kind:{i}" for _n, i in kind_choices()]
    assert codes[9:] == ["rooms", "placements", "businesses", "loans"]
    assert measure_label(kind_measure(town, "党课")) == "党课"
    assert measure_label("placements") == "安置再就业"


def test_set_target_creates_with_audit(town):
    before = _counts()
    target = set_target({"branch": town["one"].id, "year": "2026", "measure": kind_measure(town, "党课"),
                         "expected": "4"})
    assert _counts() == (before[0] + 1, before[1] + 1)
    stored = Target.get_by_id(target.id)
    assert (stored.branch_id, stored.year, stored.measure, stored.expected) == (
        town["one"].id, 2026, kind_measure(town, "党课"), 4)
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("target", "create", target.id)


@pytest.mark.parametrize("overrides, field", [
    ({"expected": "-1"}, "expected"),
    ({"expected": ""}, "expected"),
    ({"expected": "两个"}, "expected"),
    ({"measure": "kind:9999"}, "measure"),
    ({"measure": "trainings"}, "measure"),
    ({"measure": ""}, "measure"),
    ({"branch": "9999"}, "branch"),
    ({"branch": ""}, "branch"),
    ({"year": ""}, "year"),
    ({"year": "1900"}, "year"),
    ({"expected": "20266"}, "expected"),  # a slip of the finger, not a plan
])
def test_set_target_refusals_write_nothing(town, overrides, field):
    data = {"branch": town["one"].id, "year": "2026", "measure": "placements", "expected": "80"}
    data.update(overrides)
    before = _counts()
    with pytest.raises(ValidationError) as info:
        set_target(data)
    assert field in info.value.errors, info.value.errors
    assert _counts() == before


def test_same_target_twice_updates_the_one_row(town):
    data = {"branch": town["one"].id, "year": "2026", "measure": "placements", "expected": "80"}
    first = set_target(data)
    before_audits = Audit.select().count()
    second = set_target({**data, "expected": "90"})
    assert second.id == first.id
    assert Target.select().count() == 1
    assert Target.get_by_id(first.id).expected == 90
    assert Audit.select().count() == before_audits + 1
    row = Audit.select().order_by(Audit.id.desc()).first()
    assert (row.table, row.action, row.row_id) == ("target", "update", first.id)
    assert json.loads(row.before)["expected"] == 80
    assert json.loads(row.after)["expected"] == 90


def test_same_measure_other_year_or_branch_is_another_row(town):
    base = {"branch": town["one"].id, "year": "2026", "measure": "loans", "expected": "3"}
    set_target(base)
    set_target({**base, "year": "2025"})
    set_target({**base, "branch": town["two"].id})
    assert Target.select().count() == 3


# ------------------------------------------------------------------ progress


@pytest.fixture
def targets(town):
    for branch in (town["one"], town["two"]):
        for kind, expected in (("再就业培训", 4), ("党课", 2)):
            set_target({"branch": branch.id, "year": 2026, "measure": kind_measure(town, kind),
                        "expected": expected})
    return town


def test_a_new_activity_moves_its_branch_bar(targets):
    town = targets
    training, lesson = kind_measure(town, "再就业培训"), kind_measure(town, "党课")
    add_activity(town, "再就业培训", town["one"])
    before_one, before_two = of(town["one"]), of(town["two"])
    assert line(before_one, training).actual == 1

    add_activity(town, "再就业培训", town["one"], day="2026-11-27")
    after_one, after_two = of(town["one"]), of(town["two"])
    assert line(after_one, training).actual == line(before_one, training).actual + 1
    assert line(after_one, lesson).actual == line(before_one, lesson).actual
    assert after_one.counted == before_one.counted + 1
    assert after_one.ratio > before_one.ratio
    assert after_one.ratio == pytest.approx(before_one.ratio + (1 / 4) / 2)
    # the other branch's bar does not move
    assert after_two.lines == before_two.lines
    assert after_two.ratio == before_two.ratio == 0


def test_activity_of_a_kind_without_target_moves_nothing(targets):
    town = targets
    before = of(town["one"])
    add_activity(town, "科普讲座", town["one"])
    after = of(town["one"])
    assert after.lines == before.lines and after.ratio == before.ratio


def test_counted_is_capped_at_expected(targets):
    town = targets
    lesson = kind_measure(town, "党课")
    for day in ("2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"):
        add_activity(town, "党课", town["one"], day=day)
    bp = of(town["one"])
    assert line(bp, lesson).actual == 5
    assert line(bp, lesson).counted == 2
    assert bp.expected == 6
    assert bp.counted == 2  # the surplus of lessons does not make up for trainings
    # 党课 100 %, 再就业培训 0 %: the mean share
    assert bp.ratio == pytest.approx(0.5)


def test_ratio_is_the_mean_of_shares(targets):
    town = targets
    add_activity(town, "再就业培训", town["one"])  # 1/4
    add_activity(town, "党课", town["one"])  # 1/2
    set_target({"branch": town["one"].id, "year": 2026, "measure": "placements", "expected": 80})
    for n in range(40):  # 40/80
        save_placement({"person": "王" + "甲乙丙丁戊己庚辛壬癸"[n % 10], "date": "2026-03-01", "channel": "培训",
                        "branch": town["one"].id}, today=TODAY)
    bp = of(town["one"])
    assert bp.expected == 4 + 2 + 80
    assert bp.counted == 1 + 1 + 40
    assert bp.ratio == pytest.approx((1 / 4 + 1 / 2 + 40 / 80) / 3)
    assert bp.ratio != pytest.approx(bp.counted / bp.expected)  # not the pooled share


def test_zero_expected_target_is_left_out_of_the_ratio(targets):
    town = targets
    set_target({"branch": town["one"].id, "year": 2026, "measure": "loans", "expected": 0})
    add_activity(town, "党课", town["one"])
    assert of(town["one"]).ratio == pytest.approx((0 + 1 / 2) / 2)


def test_branch_without_targets_has_no_ratio(town):
    add_activity(town, "党课", town["one"])
    bp = of(town["one"])
    assert bp.lines == () and bp.ratio is None and bp.expected == 0


def test_activities_count_in_the_target_year_up_to_as_of(targets):
    town = targets
    training = kind_measure(town, "再就业培训")
    add_activity(town, "再就业培训", town["one"], day="2025-12-31")  # last year
    add_activity(town, "再就业培训", town["one"], day="2026-01-01")
    add_activity(town, "再就业培训", town["one"], day="2026-07-01")
    assert line(of(town["one"]), training).actual == 2
    assert line(of(town["one"], as_of=dt.date(2026, 6, 30)), training).actual == 1
    assert line(of(town["one"], as_of=dt.date(2026, 7, 1)), training).actual == 2
    # targets are per year: 2025 has none
    assert of(town["one"], year=2025, as_of=dt.date(2025, 12, 31)).lines == ()


# ------------------------------------------------------------------ rooms, placements, businesses, loans


def _set(town, measure, expected, branch=None):
    set_target({"branch": (branch or town["one"]).id, "year": 2026, "measure": measure, "expected": expected})


def test_placements_count_in_the_year_only(town):
    _set(town, "placements", 10)
    _set(town, "placements", 10, town["two"])
    for day, branch in (("2025-12-31", "one"), ("2026-01-01", "one"), ("2026-06-30", "one"),
                        ("2026-07-01", "one"), ("2026-03-01", "two")):
        save_placement({"person": "李明", "date": day, "channel": "推荐", "branch": town[branch].id},
                       today=TODAY)
    assert line(of(town["one"]), "placements").actual == 3
    assert line(of(town["one"], as_of=dt.date(2026, 6, 30)), "placements").actual == 2
    assert line(of(town["two"]), "placements").actual == 1


def test_businesses_count_in_the_year_only(town):
    _set(town, "businesses", 5)
    for day in ("2025-06-01", "2026-02-01", "2026-08-01"):
        save_business({"name": f"便民店{day}", "kind": "个体工商户", "registered": day,
                       "branch": town["one"].id}, today=TODAY)
    assert line(of(town["one"]), "businesses").actual == 2
    assert line(of(town["one"], as_of=dt.date(2026, 7, 31)), "businesses").actual == 1
    assert of(town["two"]).lines == ()  # no target, no line


def _loan(branch, applied, seq):
    borrower = Borrower.create(name="王建国", id_number=f"41040219800101{seq:03d}X", gender="男",
                               birth_date=dt.date(1980, 1, 1))
    return Loan.create(borrower=borrower, branch=branch.id, amount=Decimal("20000"),
                       annual_rate=Decimal("5.31"), months=24, method="等额本息", applied=applied)


def test_loans_count_by_application_in_the_year_only(town):
    _set(town, "loans", 4)
    _loan(town["one"], dt.date(2025, 12, 1), 1)
    _loan(town["one"], dt.date(2026, 1, 10), 2)
    _loan(town["one"], dt.date(2026, 9, 1), 3)
    _loan(town["two"], dt.date(2026, 3, 1), 4)
    assert line(of(town["one"]), "loans").actual == 2
    assert line(of(town["one"], as_of=dt.date(2026, 8, 31)), "loans").actual == 1
    assert of(town["one"]).ratio == pytest.approx(2 / 4)


def test_rooms_measure_follows_the_rooms_meeting_the_standard(town):
    _set(town, "rooms", 1)
    _set(town, "rooms", 1, town["two"])
    assert line(of(town["one"], rooms_meeting={town["one"].id}), "rooms").actual == 1
    assert line(of(town["two"], rooms_meeting={town["one"].id}), "rooms").actual == 0
    assert of(town["one"], rooms_meeting={town["one"].id}).ratio == 1.0


def test_rooms_measure_from_the_inspections_by_default(town):
    from branchtui.domain.inspections import ItemResult, record_inspection
    from branchtui.domain.rooms import save_room
    from branchtui.domain.standards import current_standard

    _set(town, "rooms", 1)
    room = save_room({"branch": town["one"].id, "name": "一支部活动室"})
    standard = current_standard()
    record_inspection(room.id, {"date": "2026-06-01", "inspector": "张彩风"},
                      [ItemResult(i.id, True) for i in standard.items], standard_id=standard.id, today=TODAY)
    rows = {p.branch_id: p for p in progress(2026, TODAY)}
    assert line(rows[town["one"].id], "rooms").actual == 1
    before = {p.branch_id: p for p in progress(2026, dt.date(2026, 5, 31))}
    assert line(before[town["one"].id], "rooms").actual == 0


def test_progress_lists_every_branch_in_order(town):
    rows = progress(2026, TODAY, set())
    assert [(p.branch_id, p.branch) for p in rows] == [(town["one"].id, "居民一支部"), (town["two"].id, "居民二支部")]
