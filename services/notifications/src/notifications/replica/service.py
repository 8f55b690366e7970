"""Applying registry events to the replica, and the questions asked of it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events import registry as ev
from notifications.replica.models import KnownObserverAssignment, KnownOrganisation

MAX_DEPTH = 12  # province → commune → grassroots organisation → branch, with room to spare


async def apply_registered(session: AsyncSession, data: ev.OrganisationRegistered) -> None:
    row = await session.get(KnownOrganisation, data.organisation_id)
    if row is None:
        row = KnownOrganisation(
            organisation_id=data.organisation_id, name=data.name, kind=data.kind
        )
        session.add(row)
    row.name, row.kind, row.parent_id = data.name, data.kind, data.parent_id
    row.meeting_day_from, row.meeting_day_to = data.meeting_day_from, data.meeting_day_to


async def apply_renamed(session: AsyncSession, data: ev.OrganisationRenamed) -> None:
    row = await session.get(KnownOrganisation, data.organisation_id)
    if row is not None:
        row.name = data.name


async def apply_moved(session: AsyncSession, data: ev.OrganisationMoved) -> None:
    row = await session.get(KnownOrganisation, data.organisation_id)
    if row is not None:
        row.parent_id = data.parent_id


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
    stmt = sa.select(KnownOrganisation.organisation_id, KnownOrganisation.name).where(
        KnownOrganisation.organisation_id.in_(wanted)
    )
    return {oid: name for oid, name in (await session.execute(stmt)).all()}


async def ancestors(session: AsyncSession, organisation_id: str) -> list[str]:
    """The organisation and its ancestors as known today, nearest first."""
    chain: list[str] = []
    current: str | None = organisation_id
    while current is not None and current not in chain and len(chain) < MAX_DEPTH:
        chain.append(current)
        row = await session.get(KnownOrganisation, current)
        current = row.parent_id if row is not None else None
    return chain


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
    """(branch id, first day, last day) of every branch with a scheduled window."""
    stmt = sa.select(
        KnownOrganisation.organisation_id,
        KnownOrganisation.meeting_day_from,
        KnownOrganisation.meeting_day_to,
    ).where(KnownOrganisation.meeting_day_from.is_not(None))
    return [(b, int(f), int(t or f)) for b, f, t in (await session.execute(stmt)).all()]
