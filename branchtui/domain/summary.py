"""The overview's figures, from a handful of aggregate queries (no N+1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from branchtui.domain.activities import activities_in_year
from branchtui.domain.branches import committee_name
from branchtui.domain.campaign import board
from branchtui.domain.targets import progress
from branchtui.domain.compliance import invested_fen, room_compliance
from branchtui.domain.loans.portfolio import LoanFigures, loan_figures
from branchtui.domain.standards import current_standard
from branchtui.store.models import Branch, Member, Room

ROOM_STANDARD = "三个一"


@dataclass(frozen=True)
class BranchFigures:
    id: int
    name: str
    community: str
    secretary: str
    members: int
    full: int
    probationary: int
    room: str | None
    room_passed: int | None = None  # items of the standard the room's latest inspection passed
    room_items: int = 0
    room_missing: tuple[str, ...] = ()
    room_disagrees: tuple[str, ...] = ()
    target_expected: int = 0  # this year's 122 targets, and the actual counted toward them
    target_counted: int = 0
    target_ratio: float | None = None  # see targets.BranchProgress.ratio

    @property
    def room_meets(self) -> bool:
        return self.room is not None and self.room_items > 0 and self.room_passed == self.room_items

    @property
    def full_ratio(self) -> float:
        return self.full / self.members if self.members else 0.0


@dataclass(frozen=True)
class TownSummary:
    as_of: dt.date
    committee: str
    branches: list[BranchFigures] = field(default_factory=list)
    standard: str = ROOM_STANDARD
    invested_fen: int = 0
    loans: LoanFigures | None = None
    activities_this_year: int = 0
    campaign_phases: int = 0
    campaign_done: int = 0

    @property
    def behind(self) -> list[BranchFigures]:
        """The branches furthest behind on this year's targets, worst first."""
        ranked = [b for b in self.branches if b.target_ratio is not None and b.target_ratio < 1]
        return sorted(ranked, key=lambda b: b.target_ratio)[:3]

    @property
    def rooms_meeting_standard(self) -> int:
        return sum(1 for b in self.branches if b.room_meets)

    @property
    def missing_items(self) -> list[dict]:
        return [{"branch": b.name, "room": b.room, "items": list(b.room_missing)}
                for b in self.branches if b.room and b.room_missing]

    @property
    def members(self) -> int:
        return sum(b.members for b in self.branches)

    @property
    def full(self) -> int:
        return sum(b.full for b in self.branches)

    @property
    def probationary(self) -> int:
        return sum(b.probationary for b in self.branches)

    @property
    def rooms(self) -> int:
        return sum(1 for b in self.branches if b.room)

    def to_json(self) -> dict:
        """The stable interface of ``summary --json``; later areas add keys."""
        return {
            "as_of": self.as_of.isoformat(),
            "committee": self.committee,
            "branches": len(self.branches),
            "members": {"total": self.members, "full": self.full, "probationary": self.probationary},
            "rooms": {"total": self.rooms, "meeting_standard": self.rooms_meeting_standard,
                      "standard": self.standard, "missing_items": self.missing_items,
                      "invested_fen": self.invested_fen},
            "loans": self.loans.to_json() if self.loans else None,
            "businesses_this_year": self.loans.businesses_this_year if self.loans else 0,
            "reemployed": self.loans.reemployed if self.loans else 0,
            "activities_this_year": self.activities_this_year,
            "targets": {"expected": sum(b.target_expected for b in self.branches),
                        "actual": sum(b.target_counted for b in self.branches)},
            "campaign": {"phases": self.campaign_phases, "branches_done": self.campaign_done},
        }


def town_summary(as_of: dt.date | None = None, *, cached: bool = True) -> TownSummary:
    """Figures as they stood on ``as_of``: members who had joined by then, in good standing.

    Remembered until the next write (see figures_cache); ``cached=False`` computes.
    """
    from branchtui.domain.parse import as_day

    as_of = as_day(as_of) or dt.date.today()
    if cached:
        from branchtui.domain.figures_cache import remembered

        return remembered("town", as_of, lambda: _compute(as_of), TownSummary)
    return _compute(as_of)


def _compute(as_of: dt.date) -> TownSummary:
    Secretary = Member.alias()
    branches = (Branch.select(Branch.id, Branch.name, Branch.community,
                              Secretary.name.alias("secretary_name"), Room.name.alias("room_name"))
                .join(Secretary, JOIN.LEFT_OUTER, on=(Branch.secretary == Secretary.id))
                .switch(Branch)
                .join(Room, JOIN.LEFT_OUTER, on=(Room.branch == Branch.id))
                .order_by(Branch.id)
                .objects())
    is_full = Case(None, [((Member.full_date.is_null(False)) & (Member.full_date <= as_of), 1)], 0)
    counts = {
        row.branch_id: (row.total, int(row.full or 0))
        for row in Member.select(Member.branch, fn.COUNT(Member.id).alias("total"),
                                 fn.SUM(is_full).alias("full"))
        .where((Member.status == "正常") & (Member.join_date <= as_of))
        .group_by(Member.branch)
        .objects()
    }
    standard = current_standard()
    compliance = {c.branch_id: c for c in room_compliance(standard, as_of=as_of)}
    goals = {p.branch_id: p for p in progress(as_of.year, as_of,
                                              {c.branch_id for c in compliance.values() if c.meets})}
    rows = []
    for b in branches:
        total, full = counts.get(b.id, (0, 0))
        room = compliance.get(b.id)
        rows.append(BranchFigures(
            b.id, b.name, b.community, b.secretary_name or "", total, full, total - full, b.room_name,
            room.passed if room else None, len(room.cells) if room else 0,
            tuple(room.missing) if room else (), tuple(room.disagreements) if room else (),
            goals[b.id].expected if b.id in goals else 0, goals[b.id].counted if b.id in goals else 0,
            goals[b.id].ratio if b.id in goals else None))
    campaign = board(as_of)
    return TownSummary(as_of=as_of, committee=committee_name(), branches=rows,
                       standard=standard.name if standard else ROOM_STANDARD,
                       invested_fen=invested_fen(as_of), loans=loan_figures(as_of),
                       activities_this_year=activities_in_year(as_of.year, as_of),
                       campaign_phases=len(campaign.phases), campaign_done=campaign.branches_done)
