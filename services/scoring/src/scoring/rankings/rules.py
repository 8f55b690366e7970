"""Ranking branches: pure functions over each branch's average for the period.

Branches are compared only with branches of the same sub-kind (a school branch is not ranked
against a residential one); a sub-kind the registry did not give, or one not in the list, is
grouped as "unknown". Equal averages share a rank (1, 2, 2, 4); a branch with no scored meeting in
the period is listed last in its group without a rank, and after it, without a rank either, a
branch not yet in use in the period (every month of it before its go-live).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BRANCH_KIND_LABELS = {
    "residential": "Chi bộ thôn, tổ dân phố",
    "agency": "Chi bộ cơ quan",
    "school": "Chi bộ trường học",
    "enterprise": "Chi bộ doanh nghiệp",
    "armed_forces": "Chi bộ lực lượng vũ trang",
    "unknown": "Chi bộ chưa rõ loại hình",
}


@dataclass(frozen=True)
class BranchAverage:
    branch_id: str
    branch_kind: str | None
    meetings: int
    average_points: float | None
    in_use: bool = True


@dataclass(frozen=True)
class Ranked:
    rank: int | None
    branch_id: str
    meetings: int
    average_points: float | None
    in_use: bool = True


@dataclass(frozen=True)
class RankingGroup:
    branch_kind: str
    label: str
    branches: tuple[Ranked, ...]


def kind_of(branch_kind: str | None) -> str:
    return branch_kind if branch_kind in BRANCH_KIND_LABELS else "unknown"


def rank_group(lines: Iterable[BranchAverage]) -> tuple[Ranked, ...]:
    lines = list(lines)
    scored = sorted(
        (x for x in lines if x.in_use and x.average_points is not None),
        key=lambda x: (-(x.average_points or 0.0), x.branch_id),
    )
    unscored = sorted(
        (x for x in lines if x.in_use and x.average_points is None), key=lambda x: x.branch_id
    )
    not_in_use = sorted((x for x in lines if not x.in_use), key=lambda x: x.branch_id)
    out: list[Ranked] = []
    for position, line in enumerate(scored, start=1):
        tied = out and out[-1].average_points == line.average_points
        rank = out[-1].rank if tied else position
        out.append(Ranked(rank, line.branch_id, line.meetings, line.average_points))
    out += [Ranked(None, x.branch_id, x.meetings, None) for x in unscored]
    out += [Ranked(None, x.branch_id, x.meetings, x.average_points, False) for x in not_in_use]
    return tuple(out)


def rank_by_kind(lines: Iterable[BranchAverage]) -> list[RankingGroup]:
    """One group per sub-kind present, in the order of BRANCH_KIND_LABELS."""
    groups: dict[str, list[BranchAverage]] = {}
    for line in lines:
        groups.setdefault(kind_of(line.branch_kind), []).append(line)
    return [
        RankingGroup(kind, label, rank_group(groups[kind]))
        for kind, label in BRANCH_KIND_LABELS.items()
        if kind in groups
    ]
