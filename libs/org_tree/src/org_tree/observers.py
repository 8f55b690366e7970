"""Observer assignments as every service replicates them: who follows which branch, when.

Facts apply in any order (guarantee G9): each carries the registry's aggregate_version and an
older fact never overwrites a newer one, so an assignment that ended stays ended even when its
"assigned" fact arrives after its "ended" fact.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from event_contracts import CloudEvent, EventData
from event_contracts.catalog import routing_key_of
from event_contracts.events import registry as ev
from service_kit.context import ServiceContext
from service_kit.uow import UnitOfWork


class ObserverAssignmentReplica(SQLModel, table=True):
    """An observer assigned to follow a branch (`valid_to` exclusive). Its own module, not
    `org_tree.models`: only services that need observers carry the table."""

    __tablename__ = "replica_observer_assignment"
    __table_args__ = (sa.Index("ix_replica_observer_branch", "branch_id", "valid_from"),)

    id: str = Field(primary_key=True, max_length=64)
    member_id: str = Field(max_length=64)
    branch_id: str = Field(max_length=64)
    valid_from: date
    valid_to: date | None = None
    version: int = 1


OBSERVER_KEYS = [routing_key_of(ev.ObserverAssigned), routing_key_of(ev.ObserverEnded)]


async def apply_observer_assigned(session: AsyncSession, data: ev.ObserverAssigned) -> None:
    row = await session.get(ObserverAssignmentReplica, data.observer_assignment_id)
    if row is not None and row.version >= data.aggregate_version:
        return
    row = row or ObserverAssignmentReplica(
        id=data.observer_assignment_id, member_id="", branch_id="", valid_from=data.valid_from
    )
    row.member_id, row.branch_id = data.member_id, data.branch_id
    row.valid_from, row.valid_to, row.version = (
        data.valid_from,
        data.valid_to,
        data.aggregate_version,
    )
    session.add(row)


async def apply_observer_ended(session: AsyncSession, data: ev.ObserverEnded) -> None:
    row = await session.get(ObserverAssignmentReplica, data.observer_assignment_id)
    if row is None:  # the end arrived first: remember it, the assignment fills in the rest
        row = ObserverAssignmentReplica(
            id=data.observer_assignment_id,
            member_id=data.member_id,
            branch_id=data.branch_id,
            valid_from=date.min,
            version=0,
        )
    if row.version < data.aggregate_version:
        row.valid_to, row.version = data.on, data.aggregate_version
    session.add(row)


async def on_observer_event(
    _ctx: ServiceContext, uow: UnitOfWork, _event: CloudEvent, data: EventData
) -> None:
    if isinstance(data, ev.ObserverAssigned):
        await apply_observer_assigned(uow.session, data)
    elif isinstance(data, ev.ObserverEnded):
        await apply_observer_ended(uow.session, data)


def _in_force(on: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        col(ObserverAssignmentReplica.valid_from) <= on,
        sa.or_(
            col(ObserverAssignmentReplica.valid_to).is_(None),
            col(ObserverAssignmentReplica.valid_to) > on,
        ),
    )


async def observers_of(session: AsyncSession, branch_id: str, on: date) -> list[str]:
    """Member ids of the observers assigned to `branch_id` on `on`."""
    rows = await session.execute(
        sa.select(col(ObserverAssignmentReplica.member_id)).where(
            col(ObserverAssignmentReplica.branch_id) == branch_id, _in_force(on)
        )
    )
    return sorted(set(rows.scalars()))


async def observers_by_branch(session: AsyncSession, on: date) -> dict[str, list[str]]:
    """branch id → member ids of the observers following it on `on`."""
    rows = await session.execute(
        sa.select(
            col(ObserverAssignmentReplica.branch_id), col(ObserverAssignmentReplica.member_id)
        ).where(_in_force(on))
    )
    found: dict[str, list[str]] = {}
    for branch_id, member_id in rows.all():
        found.setdefault(branch_id, []).append(member_id)
    return {b: sorted(set(m)) for b, m in found.items()}
