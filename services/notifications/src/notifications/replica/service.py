"""Applying observer facts to the replica, and the questions asked of it and of the shared
organisation tree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.events import registry as ev
from notifications.replica.models import KnownObserverAssignment
from org_tree.models import OrgNode
from org_tree.replica import chain_on


async def apply_observer_assigned(session: AsyncSession, data: ev.ObserverAssigned) -> None:
    row = await session.get(KnownObserverAssignment, data.observer_assignment_id)
    if row is None:
        row = KnownObserverAssignment(
            observer_assignment_id=data.observer_assignment_id,
            member_id=data.member_id,
            branch_id=data.branch_id,
            valid_from=data.valid_from,
        )
        session.add(row)
    row.member_id, row.branch_id = data.member_id, data.branch_id
    row.valid_from, row.valid_to = data.valid_from, data.valid_to


async def apply_observer_ended(session: AsyncSession, data: ev.ObserverEnded) -> None:
    row = await session.get(KnownObserverAssignment, data.observer_assignment_id)
    if row is None:  # the end arrived before the assignment: remember it ended
        session.add(
            KnownObserverAssignment(
                observer_assignment_id=data.observer_assignment_id,
                member_id=data.member_id,
                branch_id=data.branch_id,
                valid_from=data.on,
                valid_to=data.on,
            )
        )
    elif row.valid_to is None or row.valid_to > data.on:
        row.valid_to = data.on


async def names(session: AsyncSession, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    stmt = sa.select(OrgNode.id, OrgNode.name).where(col(OrgNode.id).in_(wanted))
    return {oid: name for oid, name in (await session.execute(stmt)).all()}


async def ancestors(session: AsyncSession, organisation_id: str, on: date) -> list[str]:
    """The organisation and its ancestors on `on`, nearest first."""
    return [node.organisation_id for node in await chain_on(session, organisation_id, on)]


async def observers_on(session: AsyncSession, on: date) -> dict[str, list[str]]:
    """branch id → member ids of the observers following it on `on`."""
    stmt = sa.select(KnownObserverAssignment).where(
        KnownObserverAssignment.valid_from <= on,
        sa.or_(KnownObserverAssignment.valid_to.is_(None), KnownObserverAssignment.valid_to > on),
    )
    found: dict[str, list[str]] = {}
    for row in (await session.execute(stmt)).scalars():
        found.setdefault(row.branch_id, []).append(row.member_id)
    return found


async def meeting_windows(session: AsyncSession) -> list[tuple[str, int, int]]:
    """(branch id, first day, last day) of every branch with a scheduled window that has not
    ceased (merged, split or dissolved branches get no reminders)."""
    stmt = sa.select(OrgNode.id, OrgNode.meeting_day_from, OrgNode.meeting_day_to).where(
        col(OrgNode.meeting_day_from).is_not(None), col(OrgNode.valid_to).is_(None)
    )
    return [(b, int(f), int(t or f)) for b, f, t in (await session.execute(stmt)).all()]
