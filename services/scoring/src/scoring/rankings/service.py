"""Publishing a ranking: the branches of the subtree, their averages in one grouped query, the
rules, and the snapshot stored as published."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from scoring import golive
from scoring.meeting_scores.models import MeetingScore
from scoring.rankings import rules
from scoring.rankings.models import Ranking
from scoring.rollups.periods import Period
from scoring.subtree import branches_in
from service_kit.errors import NotFound
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork

S = MeetingScore.__table__.c


async def _averages(
    session: AsyncSession, branch_ids: list[str], period: Period
) -> dict[str, tuple[int, float]]:
    rows = await session.execute(
        sa.select(
            S.branch_id,
            sa.func.count().label("n"),
            sa.func.avg(S.total_points * 100 / S.max_points).label("avg"),
        )
        .where(
            S.branch_id.in_(branch_ids),
            S.held_on >= period.starts_on,
            S.held_on < period.ends_before,
        )
        .group_by(S.branch_id)
    )
    return {r.branch_id: (int(r.n), round(float(r.avg), 2)) for r in rows}


async def publish(uow: UnitOfWork, organisation_id: str, period: Period, now: datetime) -> Ranking:
    session = uow.session
    branches = await branches_in(session, organisation_id, period)
    averages = await _averages(session, [b.id for b in branches], period)
    live = await golive.load(session, period.ends_before - timedelta(days=1))
    lines = [
        rules.BranchAverage(
            b.id,
            b.branch_kind,
            averages.get(b.id, (0, 0.0))[0],
            averages[b.id][1] if b.id in averages else None,
            in_use=live.period_use(b.id, period.months) != "not_in_use",
        )
        for b in branches
    ]
    ranking = Ranking(
        id=new_id(),
        organisation_id=organisation_id,
        period=period.label,
        tree_on=period.ends_before - timedelta(days=1),
        published_at=now,
        groups=[asdict(group) for group in rules.rank_by_kind(lines)],
    )
    session.add(ranking)
    await session.flush()
    return ranking


async def get(session: AsyncSession, ranking_id: str) -> Ranking:
    ranking = await session.get(Ranking, ranking_id)
    if ranking is None:
        raise NotFound("ranking-not-found", f"Không có bảng xếp hạng {ranking_id}.")
    return ranking
