"""122工程 targets per branch and year, and progress derived from the records.

Actual figures are counted from the records, never typed a second time:
activities of a kind held by the branch, its room meeting the standard,
placements, businesses started and loans recommended in the year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Mapping

from peewee import fn

from branchtui.domain import audit
from branchtui.domain.errors import Collector
from branchtui.domain.parse import parse_int
from branchtui.i18n import _
from branchtui.store.models import Activity, ActivityKind, Branch, Business, Loan, Placement, Target

# A branch's yearly target for one measure: 20266 talks is a slip of the finger, not a plan.
TARGET_MAX = 1000

OTHER_MEASURES = {"rooms": "活动室达标", "placements": "安置再就业", "businesses": "扶持两户", "loans": "推荐贷款"}


def measure_choices() -> list[tuple[str, str]]:
    kinds = [(k.name, f"kind:{k.id}") for k in ActivityKind.select().order_by(ActivityKind.position)]
    return kinds + [(_(label), code) for code, label in OTHER_MEASURES.items()]


def measure_label(measure: str, kinds: dict[int, str] | None = None) -> str:
    if measure.startswith("kind:"):
        kinds = kinds if kinds is not None else {k.id: k.name for k in ActivityKind.select()}
        return kinds.get(int(measure[5:]), measure)
    return _(OTHER_MEASURES[measure]) if measure in OTHER_MEASURES else measure


def set_target(data: Mapping[str, Any]) -> Target:
    """Create or change the expected count of one measure for a branch and year
    (the town sets targets: committee and administrators only)."""
    with audit.transaction():
        audit.check_role(Target)
        c = Collector()
        year = c.take("year", parse_int, data.get("year"), "year", "年度", 1990, 2100, required=True)
        expected = c.take("expected", parse_int, data.get("expected"), "expected", "目标数", 0, TARGET_MAX,
                          required=True)
        measure = data.get("measure") if isinstance(data.get("measure"), str) else ""
        measure = measure.strip()
        valid = {code for _label, code in measure_choices()}
        if measure not in valid:
            c.add("measure", _("请选择考核项目"))
        branch = c.ref("branch", Branch, data.get("branch"), _("请选择支部"))
        c.raise_if_any()
        target = Target.get_or_none((Target.branch == branch.id) & (Target.year == year)
                                    & (Target.measure == measure))
        target = target or Target(branch=branch.id, year=year, measure=measure)
        target.expected = expected
        audit.save_audited(target)
    return target


@dataclass(frozen=True)
class TargetLine:
    measure: str
    label: str
    expected: int
    actual: int

    @property
    def counted(self) -> int:
        """Actual toward the target: more of one thing does not make up for another."""
        return min(self.actual, self.expected)


@dataclass(frozen=True)
class BranchProgress:
    branch_id: int
    branch: str
    lines: tuple[TargetLine, ...]

    @property
    def expected(self) -> int:
        return sum(line.expected for line in self.lines)

    @property
    def counted(self) -> int:
        return sum(line.counted for line in self.lines)

    @property
    def ratio(self) -> float | None:
        """The mean of each target's share met (capped at 1): every target weighs
        the same, so 90 placements do not drown 4 trainings."""
        lines = [line for line in self.lines if line.expected > 0]
        if not lines:
            return None
        return sum(line.counted / line.expected for line in lines) / len(lines)


def _counts_by_branch(query, branch_field) -> dict[int, int]:
    return {row[0]: row[1] for row in query.select(branch_field, fn.COUNT(1)).group_by(branch_field).tuples()}


def progress(year: int, as_of: dt.date, rooms_meeting: set[int] | None = None) -> list[BranchProgress]:
    """Every branch's targets for ``year`` with the actual figures up to ``as_of``.

    A handful of grouped queries, whatever the number of branches.
    """
    start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of)
    targets = defaultdict(list)
    for t in Target.select().where(Target.year == year):
        targets[t.branch_id].append(t)
    kinds = {k.id: k.name for k in ActivityKind.select()}
    by_kind: dict[tuple[int, int], int] = {
        (b, k): n for b, k, n in Activity.select(Activity.branch, Activity.kind, fn.COUNT(Activity.id))
        .where((Activity.date >= start) & (Activity.date <= end))
        .group_by(Activity.branch, Activity.kind).tuples()}
    placements = _counts_by_branch(Placement.select().where((Placement.date >= start) & (Placement.date <= end)),
                                   Placement.branch)
    businesses = _counts_by_branch(
        Business.select().where((Business.registered >= start) & (Business.registered <= end)), Business.branch)
    loans = _counts_by_branch(Loan.select().where((Loan.applied >= start) & (Loan.applied <= end)), Loan.branch)
    if rooms_meeting is None:
        from branchtui.domain.compliance import room_compliance

        rooms_meeting = {c.branch_id for c in room_compliance(as_of=as_of) if c.meets}
    out = []
    for branch in Branch.select(Branch.id, Branch.name).order_by(Branch.id):
        lines = []
        for t in targets.get(branch.id, []):
            if t.measure.startswith("kind:"):
                actual = by_kind.get((branch.id, int(t.measure[5:])), 0)
            elif t.measure == "rooms":
                actual = int(branch.id in rooms_meeting)
            else:
                actual = {"placements": placements, "businesses": businesses, "loans": loans}[t.measure].get(branch.id, 0)
            lines.append(TargetLine(t.measure, measure_label(t.measure, kinds), t.expected, actual))
        out.append(BranchProgress(branch.id, branch.name, tuple(lines)))
    return out
