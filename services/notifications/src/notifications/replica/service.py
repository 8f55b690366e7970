"""The questions notifications asks of the shared organisation tree: names, ancestors on a day,
meeting windows. Observers are `org_tree.observers`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from org_tree.models import OrgNode
from org_tree.replica import chain_on


async def names(session: AsyncSession, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    stmt = sa.select(OrgNode.id, OrgNode.name).where(col(OrgNode.id).in_(wanted))
    return {oid: name for oid, name in (await session.execute(stmt)).all()}


async def ancestors(session: AsyncSession, organisation_id: str, on: date) -> list[str]:
    """The organisation and its ancestors on `on`, nearest first."""
    return [node.organisation_id for node in await chain_on(session, organisation_id, on)]


async def meeting_windows(session: AsyncSession) -> list[tuple[str, int, int]]:
    """(branch id, first day, last day) of every branch with a scheduled window that has not
    ceased (merged, split or dissolved branches get no reminders)."""
    stmt = sa.select(OrgNode.id, OrgNode.meeting_day_from, OrgNode.meeting_day_to).where(
        col(OrgNode.meeting_day_from).is_not(None), col(OrgNode.valid_to).is_(None)
    )
    return [(b, int(f), int(t or f)) for b, f, t in (await session.execute(stmt)).all()]
