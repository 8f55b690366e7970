"""The branch report for a set of branches and a period: grouped queries, then plain Python.

The scope is the branch ids given ("given"), the branches of a subtree from the organisation-tree
replica ("organisation", resolved by the caller), or every branch with a scored meeting on record
("known"); a branch that never submitted anything is only counted as not covered when it is in a
given or organisation scope. Coverage is counted over the branches in use (`scoring.golive`):
a branch before its go-live is listed as not in use, not as one that failed to meet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from org_tree.golive import ALWAYS, first_live_month, period_use
from org_tree.models import OrgNode
from scoring import golive
from scoring.meeting_scores.models import MeetingCriterionScore, MeetingScore
from scoring.reports.schemas import (
    BranchLineOut,
    BranchReportOut,
    LostCriterionOut,
    MonthCoverageOut,
)
from scoring.rollups.periods import Period, month_label
from scoring.rollups.service import GRADES
from scoring.visible import Visible, everything

S, C = MeetingScore.__table__.c, MeetingCriterionScore.__table__.c


def _count_if(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


async def _names(session: AsyncSession, ids: Collection[str]) -> dict[str, str]:
    """Branch names from the tree replica, in chunks (a province report names thousands)."""
    out: dict[str, str] = {}
    listed = list(ids)
    for i in range(0, len(listed), 500):
        rows = await session.execute(
            sa.select(OrgNode.id, OrgNode.name).where(OrgNode.id.in_(listed[i : i + 500]))
        )
        out.update({k: v for k, v in rows.all() if v})
    return out


async def branch_report(
    session: AsyncSession,
    period: Period,
    branch_ids: Collection[str] | None,
    weakest: int,
    *,
    scope: str = "given",
    visible: Visible = everything,
) -> BranchReportOut:
    """`branch_ids` None means every known branch `visible` keeps; an empty subtree is an empty
    scope."""
    in_period = sa.and_(S.held_on >= period.starts_on, S.held_on < period.ends_before)
    given = branch_ids if branch_ids or scope == "organisation" else None
    ids = sorted(set(given)) if given is not None else None
    where = [in_period] + ([S.branch_id.in_(ids)] if ids is not None else [])
    year, month = sa.extract("year", S.held_on), sa.extract("month", S.held_on)
    monthly = (
        (
            await session.execute(
                visible(
                    sa.select(
                        S.branch_id,
                        year.label("y"),
                        month.label("m"),
                        sa.func.count().label("n"),
                        sa.func.sum(S.total_points * 100 / S.max_points).label("pts"),
                        sa.func.sum(S.present_count).label("present"),
                        sa.func.sum(S.counted_count).label("counted"),
                        *(_count_if(S.grade == g).label(g) for g in GRADES),
                    )
                )
                .where(*where)
                .group_by(S.branch_id, year, month)
            )
        )
        .mappings()
        .all()
    )
    losses = (
        (
            await session.execute(
                visible(
                    sa.select(
                        S.branch_id,
                        C.code,
                        sa.func.min(C.name).label("name"),
                        sa.func.sum(C.max_points - C.points).label("lost"),
                    )
                )
                .select_from(sa.join(MeetingCriterionScore.__table__, MeetingScore.__table__))
                .where(*where)
                .group_by(S.branch_id, C.code)
            )
        )
        .mappings()
        .all()
    )
    if ids is None:
        known = visible(sa.select(S.branch_id).distinct())
        ids = sorted((await session.execute(known)).scalars())
        scope = "known"

    acc: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "n": 0,
            "pts": 0.0,
            "present": 0,
            "counted": 0,
            "months": set(),
            **dict.fromkeys(GRADES, 0),
        }
    )
    met_by_month: dict[str, set[str]] = defaultdict(set)
    for r in monthly:
        row, label = acc[r["branch_id"]], month_label(int(r["y"]), int(r["m"]))
        row["n"] += int(r["n"])
        row["pts"] += float(r["pts"] or 0)
        row["present"] += int(r["present"] or 0)
        row["counted"] += int(r["counted"] or 0)
        row["months"].add(label)
        for g in GRADES:
            row[g] += int(r[g])
        met_by_month[label].add(r["branch_id"])
    lost: dict[str, list[LostCriterionOut]] = defaultdict(list)
    for r in losses:
        if float(r["lost"]) > 0:
            lost[r["branch_id"]].append(
                LostCriterionOut(
                    code=r["code"], name=r["name"], points_lost=round(float(r["lost"]), 2)
                )
            )

    live = await golive.load(session, period.ends_before - timedelta(days=1))
    firsts = {b: first_live_month(live.of(b)) for b in ids} if live.planned else {}

    def live_in(branch_id: str, y: int, m: int) -> bool:
        first = firsts.get(branch_id, ALWAYS) if live.planned else ALWAYS
        return first is not None and first <= date(y, m, 1)

    use = {b: period_use(firsts[b], period.months) if live.planned else "in_use" for b in ids}
    names = await _names(session, ids)
    lines = []
    for branch_id in ids:
        a: dict[str, Any] | None = acc.get(branch_id)
        n = a["n"] if a else 0
        lines.append(
            BranchLineOut(
                branch_id=branch_id,
                branch_name=names.get(branch_id),
                in_use=use[branch_id],
                meetings=n,
                months_met=len(a["months"]) if a else 0,
                average_points=round(a["pts"] / n, 2) if a and n else None,
                by_grade={g: (a[g] if a else 0) for g in GRADES},
                attendance_rate=round(a["present"] / a["counted"], 4)
                if a and a["counted"]
                else None,
                criteria_lost=sorted(
                    lost.get(branch_id, []), key=lambda c: (-c.points_lost, c.code)
                )[:3],
            )
        )
    total = sum(line.meetings for line in lines)
    met = sum(line.meetings > 0 for line in lines)
    in_use = [line for line in lines if line.in_use != "not_in_use"]
    in_use_met = sum(line.meetings > 0 for line in in_use)

    def month_coverage(y: int, m: int) -> float:
        live_then = {b for b in ids if live_in(b, y, m)}
        met_then = met_by_month.get(month_label(y, m), set()) & live_then
        return round(len(met_then) / len(live_then), 4) if live_then else 0.0

    return BranchReportOut(
        period=period.label,
        scope=scope,
        branches=len(lines),
        branches_in_use=len(in_use),
        branches_met=met,
        coverage=round(in_use_met / len(in_use), 4) if in_use else None,
        months=[
            MonthCoverageOut(
                month=month_label(y, m),
                branches_met=len(met_by_month.get(month_label(y, m), ())),
                coverage=month_coverage(y, m),
            )
            for y, m in period.months
        ],
        meetings=total,
        by_grade={g: sum(line.by_grade[g] for line in lines) for g in GRADES},
        average_points=round(sum(a["pts"] for a in acc.values()) / total, 2) if total else None,
        weakest=sorted(
            lines,
            key=lambda line: (
                line.average_points is not None,
                line.average_points or 0,
                line.branch_id,
            ),
        )[:weakest],
        lines=lines,
    )
