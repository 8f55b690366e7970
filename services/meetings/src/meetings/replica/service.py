"""Applying member facts to the replica, and answering "who sits in branch X's meeting on day
D". The organisation tree is `org_tree.replica`, the observers `org_tree.observers`.

Every fact is applied so that its arrival order does not matter: member states are keyed by their
date and the registry's aggregate_version, and an older assignment never overwrites a newer one.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.events import registry as ev
from meetings.replica.models import MemberStateReplica, RotationClusterBranch

ON_THE_ROLL = ("full", "probationary", "exempt")


async def _state_on(session: AsyncSession, member_id: str, on: date) -> MemberStateReplica | None:
    return (
        await session.execute(
            sa.select(MemberStateReplica)
            .where(
                MemberStateReplica.member_id == member_id, col(MemberStateReplica.valid_from) <= on
            )
            .order_by(col(MemberStateReplica.valid_from).desc(), col(MemberStateReplica.seq).desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def _member_state(
    session: AsyncSession, member_id: str, on: date, seq: int, **fields: str | None
) -> None:
    """Record the member's state from `on`, carrying over what this fact does not say."""
    if await session.get(MemberStateReplica, (member_id, on, seq)) is not None:
        return  # the same fact again
    before = await _state_on(session, member_id, on)
    state: dict[str, str | None] = {
        "branch_id": before.branch_id if before else None,
        "status": before.status if before else "full",
        "attached_branch_id": before.attached_branch_id if before else None,
    }
    state.update(fields)
    session.add(
        MemberStateReplica(
            member_id=member_id,
            valid_from=on,
            seq=seq,
            branch_id=state["branch_id"],
            status=state["status"] or "full",
            attached_branch_id=state["attached_branch_id"],
        )
    )
    await session.flush()


async def apply_member_admitted(session: AsyncSession, data: ev.MemberAdmitted) -> None:
    await _member_state(
        session,
        data.member_id,
        data.on,
        data.aggregate_version,
        branch_id=data.branch_id,
        status=data.status,
        attached_branch_id=None,
    )


async def apply_member_status(session: AsyncSession, data: ev.MemberStatusChanged) -> None:
    fields: dict[str, str | None] = {
        "status": data.status,
        "attached_branch_id": data.attached_branch_id,
    }
    if data.branch_id:
        fields["branch_id"] = data.branch_id
    await _member_state(session, data.member_id, data.on, data.aggregate_version, **fields)


async def apply_member_transferred(session: AsyncSession, data: ev.MemberTransferred) -> None:
    await _member_state(
        session, data.member_id, data.on, data.aggregate_version, branch_id=data.branch_id
    )


async def roster_on(session: AsyncSession, branch_id: str, on: date) -> dict[str, str] | None:
    """{member_id: status} of those who sit in the branch's meetings on `on`: its own full,
    probationary and exempt members, and members of other branches attached to it. None when
    the replica knows nothing of this branch's members, so the roll cannot be checked.
    Two queries whatever the size of the branch."""
    candidates = (
        sa.select(MemberStateReplica.member_id)
        .where(
            sa.or_(
                MemberStateReplica.branch_id == branch_id,
                MemberStateReplica.attached_branch_id == branch_id,
            ),
            col(MemberStateReplica.valid_from) <= on,
        )
        .distinct()
    )
    states = (
        (
            await session.execute(
                sa.select(MemberStateReplica)
                .where(
                    col(MemberStateReplica.member_id).in_(candidates),
                    col(MemberStateReplica.valid_from) <= on,
                )
                .order_by(
                    col(MemberStateReplica.member_id),
                    col(MemberStateReplica.valid_from),
                    col(MemberStateReplica.seq),
                )
            )
        )
        .scalars()
        .all()
    )
    if not states:
        return None
    current: dict[str, MemberStateReplica] = {}
    for state in states:  # ordered: the last one per member is its state on `on`
        current[state.member_id] = state
    roster: dict[str, str] = {}
    for member_id, state in current.items():
        if state.status == "temporarily_attached":
            if state.attached_branch_id == branch_id:
                roster[member_id] = "full"
        elif state.branch_id == branch_id and state.status in ON_THE_ROLL:
            roster[member_id] = state.status
    return roster


async def apply_cluster_formed(session: AsyncSession, data: ev.RotationClusterFormed) -> None:
    """The cluster's branches and period, as the registry formed it (the same fact twice leaves
    the same rows)."""
    for branch_id in dict.fromkeys(data.branch_ids):
        row = await session.get(RotationClusterBranch, (data.rotation_cluster_id, branch_id))
        if row is None:
            row = RotationClusterBranch(
                rotation_cluster_id=data.rotation_cluster_id,
                branch_id=branch_id,
                valid_from=data.valid_from,
            )
        row.valid_from, row.valid_to = data.valid_from, data.valid_to
        session.add(row)
    await session.flush()


async def cluster_of(session: AsyncSession, branch_id: str, on: date) -> list[str]:
    """The branches of `branch_id`'s rotation cluster on `on`, itself first ([] when in none)."""
    clusters = sa.select(RotationClusterBranch.rotation_cluster_id).where(
        RotationClusterBranch.branch_id == branch_id,
        col(RotationClusterBranch.valid_from) <= on,
        sa.or_(
            col(RotationClusterBranch.valid_to).is_(None), col(RotationClusterBranch.valid_to) > on
        ),
    )
    rows = await session.execute(
        sa.select(RotationClusterBranch.branch_id)
        .where(col(RotationClusterBranch.rotation_cluster_id).in_(clusters))
        .order_by(col(RotationClusterBranch.branch_id))
    )
    others = [b for b in dict.fromkeys(rows.scalars()) if b != branch_id]
    return [branch_id, *others] if others else []
