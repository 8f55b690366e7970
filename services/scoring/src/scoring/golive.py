"""Go-live in scoring: which months and periods of a branch the detectors, roll-ups, rankings and
the annual classification judge (`org_tree.golive`: a month is live when the branch is live from
its first day; a period without a live month is "not yet in use").

Records dated before go-live (back-filled minutes) are scored and count as what they are — a
meeting held, a thematic meeting held, points — while what is *missing* (a month without a
meeting, a quarter without a thematic meeting, the months of unexcused absence, the tasks of a
year) is looked for in live months only. Each caller makes one call here; the rules stay where
they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from org_tree.golive import GoLive, load, load_around
from scoring.classification.rules import BranchYear, MemberYear
from scoring.compliance.rules import FlagDraft

__all__ = [
    "GoLive",
    "in_live_months",
    "judged_flags",
    "load",
    "load_around",
    "not_live_exclusions",
    "quarters_of",
    "year_months",
]


def judged_flags(live: GoLive, drafts: Sequence[FlagDraft]) -> list[FlagDraft]:
    """The flags whose period has a live month for their branch: nothing is raised for a
    period wholly before go-live, whatever the records of it say."""
    return [d for d in drafts if live.judged(d.branch_id, d.period)]


def in_live_months(
    live: GoLive, branch_id: str, days: Iterable[tuple[date, str]]
) -> list[tuple[date, str]]:
    """The (day, meeting) pairs that fall in live months of the branch."""
    return [(d, m) for d, m in days if live.month_live(branch_id, d.year, d.month)]


def year_months(live: GoLive, branch_id: str, year: int) -> frozenset[int]:
    """The months of `year` the branch is live in."""
    return frozenset(m for _, m in live.live_months(branch_id, [(year, m) for m in range(1, 13)]))


def quarters_of(months: Iterable[int]) -> frozenset[int]:
    """The quarters (0–3) with a live month: each owes one thematic meeting."""
    return frozenset((m - 1) // 3 for m in months)


def not_live_exclusions(
    live: GoLive,
    year: int,
    branches: Sequence[BranchYear],
    members: Sequence[MemberYear],
    months_required: int,
) -> Mapping[str, str]:
    """Branches (and their members) not classified for `year` because the branch was in use
    for fewer than `months_required` months of it (none at all: not yet in use). Being left
    out, they count in no group's quota either."""
    out: dict[str, str] = {}
    for b in branches:
        months = year_months(live, b.branch_id, year)
        if len(months) >= max(months_required, 1):
            continue
        if not months:
            out[b.branch_id] = f"chi bộ chưa đưa vào sử dụng trong năm {year}"
        else:
            out[b.branch_id] = (
                f"chi bộ đưa vào sử dụng từ tháng {min(months):02d}/{year}, "
                f"chưa đủ {months_required} tháng"
            )
    for m in members:
        if m.branch_id in out:
            out[m.member_id] = out[m.branch_id]
    return out
