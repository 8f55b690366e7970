"""Applying the registry's organisation facts to the replica, and answering dated questions about
the tree: the chain above X on day D, everything under X on day D.

Every fact is applied so that its arrival order does not matter: links are keyed by their start
date and their ends are recomputed from the next start; node facts carry the registry's
aggregate_version and an older one never overwrites a newer one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.events import registry as ev
from event_contracts.vocabulary import BRANCH_KINDS, OrganisationKind
from org_tree.models import OrgGoLive, OrgLink, OrgNode
from org_tree.walk import walk_up

MAX_DEPTH = 16


@dataclass(frozen=True)
class TreeNode:
    """An organisation as the replica knows it on the day in question."""

    organisation_id: str
    kind: str
    active: bool = True


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


async def _go_live(
    session: AsyncSession, org_id: str, go_live_on: date | None, version: int
) -> None:
    """The own go-live date carried by `version`, unless a newer fact is already applied."""
    row = await session.get(OrgGoLive, org_id)
    if row is None:
        session.add(OrgGoLive(organisation_id=org_id, go_live_on=go_live_on, version=version))
    elif row.version < version:
        row.go_live_on, row.version = go_live_on, version


async def apply_go_live_set(session: AsyncSession, data: ev.OrganisationGoLiveSet) -> None:
    await _go_live(session, data.organisation_id, data.go_live_on, data.aggregate_version)


async def apply_snapshot(session: AsyncSession, org: dict[str, Any]) -> None:
    """One organisation as the registry's history feed gives it (`GET /v1/organisation-history`):
    its current facts unless the replica already holds a newer version, and every parent link.
    Applied in any order with the events, the replica ends up the same."""
    node = await _node(session, org["id"])
    if node.version <= org["version"]:
        node.code, node.name, node.kind = org["code"], org["name"], org["kind"]
        node.branch_kind = org.get("branch_kind")
        node.meeting_day_from = org.get("meeting_day_from")
        node.meeting_day_to = org.get("meeting_day_to")
        node.valid_from = date.fromisoformat(org["valid_from"])
        node.version = org["version"]
    if org.get("valid_to"):  # a ceased node never comes back: an end is never cleared
        node.valid_to = date.fromisoformat(org["valid_to"])
    if "go_live_on" in org:  # a feed from before go-live dates existed says nothing of them
        own = org["go_live_on"]
        await _go_live(session, org["id"], date.fromisoformat(own) if own else None, org["version"])
    for link in org["links"]:
        await _link(session, org["id"], link["parent_id"], date.fromisoformat(link["valid_from"]))


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


async def node_on(session: AsyncSession, org_id: str, on: date) -> TreeNode | None:
    node = await session.get(OrgNode, org_id)
    if node is None or node.kind == "unknown":
        return None
    return TreeNode(node.id, node.kind, active=_active(node, on))


async def chain_on(session: AsyncSession, org_id: str, on: date) -> list[TreeNode]:
    """The organisation and its ancestors as they stand on `on`, nearest first. A node that no
    longer exists is followed up from the last day it did, so its old parents are still found."""
    node = await session.get(OrgNode, org_id)
    if node is None or node.kind == "unknown":
        return [TreeNode(org_id, "unknown", active=False)]
    walk_from = on
    if node.valid_to is not None and node.valid_to <= on:
        walk_from = node.valid_to - timedelta(days=1)
    chain = [TreeNode(node.id, node.kind, active=_active(node, on))]
    current = org_id
    for _ in range(MAX_DEPTH):
        parent = await parent_on(session, current, walk_from)
        if parent is None:
            break
        chain.append(await node_on(session, parent, on) or TreeNode(parent, "unknown", False))
        current = parent
    return chain


async def ancestors_many(
    session: AsyncSession, org_ids: Sequence[str], on: date
) -> dict[str, list[str]]:
    """What `chain_on` says above each organisation (ids, nearest first), in one query per
    distinct day: an organisation the replica does not know is left out, one that has ended is
    followed up from its last day."""
    wanted = sorted(set(org_ids))
    nodes = {
        n.id: n
        for n in (
            await session.execute(sa.select(OrgNode).where(col(OrgNode.id).in_(wanted)))
        ).scalars()
    }
    starts: dict[str, date] = {}
    for org in wanted:
        node = nodes.get(org)
        if node is None or node.kind == "unknown":
            continue
        ended = node.valid_to is not None and node.valid_to <= on
        starts[org] = node.valid_to - timedelta(days=1) if ended and node.valid_to else on
    found = await walk_up(session, OrgLink.__table__, starts, MAX_DEPTH)
    return {org: found.get(org, []) for org in wanted if org in starts}


async def meeting_window(session: AsyncSession, branch_id: str) -> tuple[int, int] | None:
    node = await session.get(OrgNode, branch_id)
    if node is None or node.meeting_day_from is None or node.meeting_day_to is None:
        return None
    return node.meeting_day_from, node.meeting_day_to


def subtree_cte(org_id: str, on: date, name: str = "tree") -> sa.CTE:
    """The organisation and everything under it on `on` (links valid that day), as a recursive
    CTE that SQLite and PostgreSQL both run."""
    link = OrgLink.__table__.c
    valid = sa.and_(link.valid_from <= on, sa.or_(link.valid_to.is_(None), link.valid_to > on))
    tree = sa.select(sa.literal(org_id).label("id")).cte(name, recursive=True)
    return tree.union(sa.select(link.child_id).join(tree, link.parent_id == tree.c.id).where(valid))


async def subtree_ids(session: AsyncSession, org_id: str, on: date) -> list[str]:
    """The organisation and everything under it on `on`, in one query."""
    tree = subtree_cte(org_id, on)
    return list((await session.execute(sa.select(tree.c.id))).scalars())


async def nodes_under(
    session: AsyncSession, org_id: str, on: date, kinds: Collection[str] = BRANCH_KINDS
) -> list[OrgNode]:
    """The nodes of these kinds in the subtree of `org_id` on `on` (the subtree and the nodes in
    one query), by id. Whether each still exists is the caller's question: see `valid_to`."""
    tree = subtree_cte(org_id, on)
    stmt = (
        sa.select(OrgNode)
        .join(tree, col(OrgNode.id) == tree.c.id)
        .where(col(OrgNode.kind).in_(list(kinds)))
        .order_by(col(OrgNode.id))
    )
    return list((await session.execute(stmt)).scalars())


async def provinces_of(
    session: AsyncSession, org_ids: Sequence[str], on: date
) -> dict[str, str | None]:
    """The registry code of the province each organisation lies in on `on` (itself when it is
    one; None when the replica knows no province above it), in two queries for any number: the
    provinces are few."""
    above = await ancestors_many(session, org_ids, on)
    provinces: dict[str, str] = dict(
        (
            await session.execute(
                sa.select(OrgNode.id, OrgNode.code).where(
                    col(OrgNode.kind) == OrganisationKind.PROVINCE
                )
            )
        ).all()
    )
    return {
        org: next((provinces[n] for n in [org, *above.get(org, [])] if n in provinces), None)
        for org in org_ids
    }
