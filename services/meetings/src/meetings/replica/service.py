"""Applying registry facts to the replica, and answering "the chain above X on day D".

Every fact is applied so that its arrival order does not matter: links are keyed by their start
date and their ends are recomputed from the next start; node facts carry the registry's
aggregate_version and an older one never overwrites a newer one.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.events import registry as ev
from meetings.replica.models import (
    MemberStateReplica,
    ObserverAssignmentReplica,
    OrgLink,
    OrgNode,
)
from meetings.requests.escalation import LadderNode

MAX_DEPTH = 16


async def _node(session: AsyncSession, org_id: str) -> OrgNode:
    node = await session.get(OrgNode, org_id)
    if node is None:  # a fact about a node whose registration has not arrived yet
        node = OrgNode(
            id=org_id, code=org_id, name=org_id, kind="unknown", valid_from=date.min, version=0
        )
        session.add(node)
    return node


async def _link(session: AsyncSession, child_id: str, parent_id: str, on: date) -> None:
    if await session.get(OrgLink, (child_id, on)) is None:
        session.add(OrgLink(child_id=child_id, parent_id=parent_id, valid_from=on))
        await session.flush()
    links = (
        (
            await session.execute(
                sa.select(OrgLink)
                .where(OrgLink.child_id == child_id)
                .order_by(col(OrgLink.valid_from))
            )
        )
        .scalars()
        .all()
    )
    for current, following in zip(links, [*links[1:], None], strict=True):
        current.valid_to = following.valid_from if following else None


async def apply_registered(session: AsyncSession, data: ev.OrganisationRegistered) -> None:
    node = await _node(session, data.organisation_id)
    if node.version < data.aggregate_version:
        node.code, node.kind, node.valid_from = data.code, data.kind, data.valid_from
        if node.version == 0 or node.name == node.id:
            node.name = data.name
        node.branch_kind = data.branch_kind
        node.meeting_day_from, node.meeting_day_to = data.meeting_day_from, data.meeting_day_to
        node.version = data.aggregate_version
    if data.parent_id:
        await _link(session, data.organisation_id, data.parent_id, data.valid_from)


async def apply_renamed(session: AsyncSession, data: ev.OrganisationRenamed) -> None:
    node = await _node(session, data.organisation_id)
    if node.version < data.aggregate_version:
        node.name, node.version = data.name, data.aggregate_version


async def apply_moved(session: AsyncSession, data: ev.OrganisationMoved) -> None:
    await _node(session, data.organisation_id)
    await _link(session, data.organisation_id, data.parent_id, data.on)


async def apply_ceased(
    session: AsyncSession,
    data: ev.OrganisationMerged | ev.OrganisationSplit | ev.OrganisationDissolved,
) -> None:
    node = await _node(session, data.organisation_id)
    node.valid_to = data.on  # idempotent, whatever the order


async def parent_on(session: AsyncSession, org_id: str, on: date) -> str | None:
    stmt = (
        sa.select(OrgLink.parent_id)
        .where(
            OrgLink.child_id == org_id,
            col(OrgLink.valid_from) <= on,
            sa.or_(col(OrgLink.valid_to).is_(None), col(OrgLink.valid_to) > on),
        )
        .order_by(col(OrgLink.valid_from).desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


def _active(node: OrgNode, on: date) -> bool:
    return node.valid_from <= on and (node.valid_to is None or node.valid_to > on)


async def node_on(session: AsyncSession, org_id: str, on: date) -> LadderNode | None:
    node = await session.get(OrgNode, org_id)
    if node is None or node.kind == "unknown":
        return None
    return LadderNode(node.id, node.kind, active=_active(node, on))


async def chain_on(session: AsyncSession, org_id: str, on: date) -> list[LadderNode]:
    """The organisation and its ancestors as they stand on `on`, nearest first. A node that no
    longer exists is followed up from the last day it did, so its old parents are still found."""
    node = await session.get(OrgNode, org_id)
    if node is None or node.kind == "unknown":
        return [LadderNode(org_id, "unknown", active=False)]
    walk_from = on
    if node.valid_to is not None and node.valid_to <= on:
        walk_from = node.valid_to - timedelta(days=1)
    chain = [LadderNode(node.id, node.kind, active=_active(node, on))]
    current = org_id
    for _ in range(MAX_DEPTH):
        parent = await parent_on(session, current, walk_from)
        if parent is None:
            break
        chain.append(await node_on(session, parent, on) or LadderNode(parent, "unknown", False))
        current = parent
    return chain


async def meeting_window(session: AsyncSession, branch_id: str) -> tuple[int, int] | None:
    node = await session.get(OrgNode, branch_id)
    if node is None or node.meeting_day_from is None or node.meeting_day_to is None:
        return None
    return node.meeting_day_from, node.meeting_day_to


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
    if row is None:
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


async def observers_on(session: AsyncSession, branch_id: str, on: date) -> list[str]:
    """Member ids of the observers assigned to `branch_id` on `on`."""
    rows = await session.execute(
        sa.select(ObserverAssignmentReplica.member_id).where(
            ObserverAssignmentReplica.branch_id == branch_id,
            col(ObserverAssignmentReplica.valid_from) <= on,
            sa.or_(
                col(ObserverAssignmentReplica.valid_to).is_(None),
                col(ObserverAssignmentReplica.valid_to) > on,
            ),
        )
    )
    return sorted(set(rows.scalars()))


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


async def subtree_ids(session: AsyncSession, org_id: str, on: date) -> list[str]:
    """The organisation and everything under it on `on` (links valid that day), one recursive
    query on SQLite and PostgreSQL alike."""
    link = sa.table(
        "replica_organisation_link",
        sa.column("child_id"),
        sa.column("parent_id"),
        sa.column("valid_from"),
        sa.column("valid_to"),
    )
    valid = sa.and_(
        link.c.valid_from <= on, sa.or_(link.c.valid_to.is_(None), link.c.valid_to > on)
    )
    tree = sa.select(sa.literal(org_id).label("id")).cte("tree", recursive=True)
    tree = tree.union(
        sa.select(link.c.child_id).join(tree, link.c.parent_id == tree.c.id).where(valid)
    )
    return list((await session.execute(sa.select(tree.c.id))).scalars())
