"""Roll-ups computed in the database: two grouped queries per request, whatever the row count, for
one branch or for every branch of a subtree (`branch_id IN (…)`). Only live months are judged
(`scoring.golive`): a month before go-live is shown as not in use, never as missed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from org_tree.golive import first_live_month
from scoring import golive
from scoring.meeting_scores.models import MeetingCriterionScore, MeetingScore
from scoring.rollups.periods import Period, month_ended, month_label
from scoring.rollups.schemas import CriterionLossOut, MonthOut, RollupOut, SubtreeRollupOut
from scoring.subtree import branches_in

GRADES = ("tot", "kha", "trung_binh", "kem")
THEMATIC_TYPES = ("thematic", "combined")  # a combined meeting holds the thematic part too

S, C = MeetingScore.__table__.c, MeetingCriterionScore.__table__.c


def _count_if(condition: Any) -> Any:
    return sa.func.sum(sa.case((condition, 1), else_=0))


def _in_period(branch_ids: Sequence[str], period: Period) -> Any:
    return sa.and_(
        S.branch_id.in_(branch_ids), S.held_on >= period.starts_on, S.held_on < period.ends_before
    )


async def _months(
    session: AsyncSession, branch_ids: Sequence[str], period: Period
) -> dict[str, Any]:
    year, month = sa.extract("year", S.held_on), sa.extract("month", S.held_on)
    stmt = (
        sa.select(
            year.label("y"),
            month.label("m"),
            sa.func.count().label("meetings"),
            sa.func.sum(S.total_points).label("points"),
            sa.func.sum(S.present_count).label("present"),
            sa.func.sum(S.counted_count).label("counted"),
            _count_if(S.meeting_type.in_(THEMATIC_TYPES)).label("thematic"),
            _count_if(S.official_source == "confirmed").label("confirmed"),
            *(_count_if(S.grade == g).label(g) for g in GRADES),
        )
        .where(_in_period(branch_ids, period))
        .group_by(year, month)
    )
    rows = (await session.execute(stmt)).mappings().all()
    return {month_label(int(r["y"]), int(r["m"])): r for r in rows}


async def _losses(session: AsyncSession, branch_ids: Sequence[str], period: Period) -> list[Any]:
    year, month = sa.extract("year", S.held_on), sa.extract("month", S.held_on)
    stmt = (
        sa.select(
            year.label("y"),
            month.label("m"),
            C.code,
            sa.func.min(C.name).label("name"),
            sa.func.sum(C.max_points - C.points).label("lost"),
            _count_if(C.points < C.max_points).label("below"),
            sa.func.count().label("meetings"),
        )
        .select_from(sa.join(MeetingCriterionScore.__table__, MeetingScore.__table__))
        .where(_in_period(branch_ids, period))
        .group_by(year, month, C.code)
    )
    return list((await session.execute(stmt)).mappings().all())


def _rate(present: float, counted: float) -> float | None:
    return round(present / counted, 4) if counted else None


async def _first_live_months(
    session: AsyncSession, branch_ids: Sequence[str], period: Period
) -> list[date | None] | None:
    """Each branch's first live month (None: not yet planned); None when nothing is planned at
    all (every month live)."""
    live = await golive.load(session, period.ends_before - timedelta(days=1))
    if not live.planned:
        return None
    return [first_live_month(live.of(b)) for b in branch_ids]


async def branch_rollup(
    session: AsyncSession, branch_id: str, period: Period, today: date
) -> RollupOut:
    firsts = await _first_live_months(session, [branch_id], period)
    return RollupOut(
        branch_id=branch_id, **await _summary(session, [branch_id], period, today, firsts)
    )


async def subtree_rollup(
    session: AsyncSession, organisation_id: str, period: Period, today: date
) -> SubtreeRollupOut:
    branches = await branches_in(session, organisation_id, period)
    ids = [b.id for b in branches]
    firsts = await _first_live_months(session, ids, period)
    summary = await _summary(session, ids, period, today, firsts)
    return SubtreeRollupOut(
        organisation_id=organisation_id,
        tree_on=period.ends_before - timedelta(days=1),
        branches=len(branches),
        branches_in_use=len(ids)
        if firsts is None
        else sum(f is not None and f < period.ends_before for f in firsts),
        **summary,
    )


async def _summary(
    session: AsyncSession,
    branch_ids: Sequence[str],
    period: Period,
    today: date,
    firsts: list[date | None] | None = None,
) -> dict[str, Any]:
    """`firsts`: each branch's first live month (None for all: everything live). A month is in
    use when some branch is live in it; a quarter owes each branch live in it a thematic
    meeting."""
    known = [f for f in firsts or () if f is not None]
    earliest = min(known) if known else None

    def in_use(y: int, m: int) -> bool:
        return firsts is None or (earliest is not None and earliest <= date(y, m, 1))

    def quarters_owed(first: date | None) -> int:
        return sum(first is not None and first <= date(y, 3 * q, 1) for y, q in period.quarters)

    months_in_use = sum(in_use(y, m) for y, m in period.months)
    by_month = await _months(session, branch_ids, period)
    losses = await _losses(session, branch_ids, period)

    lost_by_month: dict[str, dict[str, float]] = defaultdict(dict)
    totals: dict[str, dict[str, Any]] = {}
    for r in losses:
        label = month_label(int(r["y"]), int(r["m"]))
        lost_by_month[label][r["code"]] = float(r["lost"])
        t = totals.setdefault(r["code"], {"name": r["name"], "lost": 0.0, "below": 0, "n": 0})
        t["lost"] += float(r["lost"])
        t["below"] += int(r["below"])
        t["n"] += int(r["meetings"])

    months = []
    for y, m in period.months:
        label = month_label(y, m)
        row = by_month.get(label)
        lost = lost_by_month.get(label, {})
        months.append(
            MonthOut(
                month=label,
                in_use=in_use(y, m),
                meetings=int(row["meetings"]) if row else 0,
                average_points=round(float(row["points"]) / row["meetings"], 2) if row else None,
                attendance_rate=_rate(float(row["present"]), float(row["counted"]))
                if row
                else None,
                points_lost=round(sum(lost.values()), 2),
                most_lost_criterion=max(lost, key=lambda k: lost[k])
                if any(lost.values())
                else None,
            )
        )

    rows = list(by_month.values())
    meetings = sum(int(r["meetings"]) for r in rows)
    thematic_by_quarter: dict[int, int] = defaultdict(int)
    for label, r in by_month.items():
        thematic_by_quarter[(int(label[5:]) - 1) // 3 + 1] += int(r["thematic"])
    return dict(
        period=period.label,
        kind=period.kind,
        starts_on=period.starts_on,
        ends_on=period.ends_before - timedelta(days=1),
        in_use="not_in_use"
        if months_in_use == 0
        else ("in_use" if months_in_use == len(period.months) else "partly_in_use"),
        months_in_use=months_in_use,
        meetings=meetings,
        confirmed_meetings=sum(int(r["confirmed"]) for r in rows),
        average_points=(
            round(sum(float(r["points"]) for r in rows) / meetings, 2) if meetings else None
        ),
        by_grade={g: sum(int(r[g]) for r in rows) for g in GRADES},
        attendance_rate=_rate(
            sum(float(r["present"]) for r in rows), sum(float(r["counted"]) for r in rows)
        ),
        thematic_held=sum(int(r["thematic"]) for r in rows),
        thematic_required=len(period.quarters) * len(branch_ids)
        if firsts is None
        else sum(quarters_owed(f) for f in firsts),
        quarters_without_thematic=[
            f"{y}-Q{q}"
            for y, q in period.quarters
            if month_ended(y, 3 * q, today) and in_use(y, 3 * q) and not thematic_by_quarter[q]
        ],
        missed_months=[
            month_label(y, m)
            for y, m in period.months
            if month_ended(y, m, today) and in_use(y, m) and month_label(y, m) not in by_month
        ],
        months=months,
        criteria_lost=sorted(
            (
                CriterionLossOut(
                    code=code,
                    name=t["name"],
                    points_lost=round(t["lost"], 2),
                    meetings_below_max=t["below"],
                    average_lost=round(t["lost"] / t["n"], 2),
                )
                for code, t in totals.items()
            ),
            key=lambda c: (-c.points_lost, c.code),
        ),
    )
