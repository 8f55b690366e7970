"""Reading the tree as of a date: lookups, ancestors and subtree by recursive CTE.

The same SQL runs on SQLite and PostgreSQL; a depth guard stops a walk even if bad data ever
formed a cycle.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.vocabulary import is_branch
from registry.organisations.models import Organisation, OrganisationLink, OrganisationName
from registry.organisations.rules import KIND_NAMES_VI
from registry.periods import in_force, in_force_sql
from service_kit.errors import FieldError, Invalid, NotFound

MAX_DEPTH = 32

link_t = OrganisationLink.__table__
org_t = Organisation.__table__
name_t = OrganisationName.__table__


async def require_org(
    session: AsyncSession,
    organisation_id: str,
    *,
    pointer: str | None = None,
    on: date | None = None,
    branch: bool = False,
) -> Organisation:
    """The organisation, or a problem: 404 for the path, 422 naming `pointer` for a body field."""
    org = await session.get(Organisation, organisation_id)
    reason = None
    if org is None:
        reason = ("unknown", f"Không có tổ chức {organisation_id}.")
    elif on is not None and not in_force(org.valid_from, org.valid_to, on):
        reason = ("not-in-force", f"{org.name} không tồn tại vào ngày {on.isoformat()}.")
    elif branch and not is_branch(org.kind):
        reason = ("not-a-branch", f"{org.name} là {KIND_NAMES_VI[org.kind]}, không phải chi bộ.")
    if reason is None and org is not None:
        return org
    code, detail = reason or ("unknown", "")
    if pointer is None:
        raise NotFound(f"organisation-{code}", detail)
    raise Invalid(f"organisation-{code}", detail, errors=[FieldError(pointer, detail, code)])


async def link_on(session: AsyncSession, child_id: str, on: date) -> OrganisationLink | None:
    return await session.scalar(
        sa.select(OrganisationLink).where(
            OrganisationLink.child_id == child_id,
            in_force_sql(OrganisationLink.valid_from, OrganisationLink.valid_to, on),
        )
    )


async def children_links_on(
    session: AsyncSession, parent_id: str, on: date
) -> list[OrganisationLink]:
    rows = await session.scalars(
        sa.select(OrganisationLink)
        .where(
            OrganisationLink.parent_id == parent_id,
            in_force_sql(OrganisationLink.valid_from, OrganisationLink.valid_to, on),
        )
        .order_by(OrganisationLink.child_id)
    )
    return list(rows)


async def changed_after(
    session: AsyncSession, organisation_id: str, on: date, *, as_child_only: bool = False
) -> bool:
    """Whether a link of the node (as child, or as parent too) starts after `on`: history is
    appended at the end only, so a change dated before a later one is refused, not reordered."""
    whose = link_t.c.child_id == organisation_id
    if not as_child_only:
        whose = sa.or_(whose, link_t.c.parent_id == organisation_id)
    found = await session.scalar(
        sa.select(sa.func.count()).select_from(link_t).where(whose, link_t.c.valid_from > on)
    )
    return bool(found)


def _name_on(on: date) -> sa.ScalarSelect[str]:
    return (
        sa.select(name_t.c.name)
        .where(
            name_t.c.organisation_id == org_t.c.id,
            in_force_sql(name_t.c.valid_from, name_t.c.valid_to, on),
        )
        .limit(1)
        .scalar_subquery()
    )


def _ancestor_walk(start_id: str, on: date) -> sa.CTE:
    up = (
        sa.select(link_t.c.parent_id.label("id"), sa.literal(1).label("depth"))
        .where(
            link_t.c.child_id == start_id, in_force_sql(link_t.c.valid_from, link_t.c.valid_to, on)
        )
        .cte("up", recursive=True)
    )
    step = link_t.alias("step")
    return up.union_all(
        sa.select(step.c.parent_id, up.c.depth + 1).where(
            step.c.child_id == up.c.id,
            in_force_sql(step.c.valid_from, step.c.valid_to, on),
            up.c.depth < MAX_DEPTH,
        )
    )


async def ancestor_ids(session: AsyncSession, organisation_id: str, on: date) -> list[str]:
    up = _ancestor_walk(organisation_id, on)
    rows = await session.execute(sa.select(up.c.id).order_by(up.c.depth))
    return [r[0] for r in rows]


async def ancestors(session: AsyncSession, organisation_id: str, on: date) -> list[sa.Row[tuple]]:
    """The chain above the node on `on`, nearest first (depth 1 = the direct parent)."""
    up = _ancestor_walk(organisation_id, on)
    parent = link_t.alias("parent")
    stmt = (
        sa.select(
            org_t.c.id,
            org_t.c.code,
            sa.func.coalesce(_name_on(on), org_t.c.name).label("name"),
            org_t.c.kind,
            org_t.c.branch_kind,
            parent.c.parent_id,
            up.c.depth,
        )
        .join(up, up.c.id == org_t.c.id)
        .outerjoin(
            parent,
            sa.and_(
                parent.c.child_id == org_t.c.id,
                in_force_sql(parent.c.valid_from, parent.c.valid_to, on),
            ),
        )
        .order_by(up.c.depth)
    )
    return list(await session.execute(stmt))


def _subtree_walk(root_id: str, on: date, name: str = "down") -> sa.CTE:
    """The root and everything under it on `on` (`name`: the CTE's name, so that a query may
    hold two walks, e.g. a subtree page restricted to the caller's own subtree)."""
    down = sa.select(
        sa.literal(root_id, sa.String).label("id"),
        sa.literal(None, sa.String).label("parent_id"),
        sa.literal(0).label("depth"),
    ).cte(name, recursive=True)
    step = link_t.alias(f"{name}_step")
    return down.union_all(
        # Untyped VARCHAR on both sides: PostgreSQL wants the two terms' types identical.
        sa.select(
            sa.cast(step.c.child_id, sa.String),
            sa.cast(step.c.parent_id, sa.String),
            down.c.depth + 1,
        ).where(
            step.c.parent_id == down.c.id,
            in_force_sql(step.c.valid_from, step.c.valid_to, on),
            down.c.depth < MAX_DEPTH,
        )
    )


async def subtree(
    session: AsyncSession,
    root_id: str,
    on: date,
    *,
    limit: int,
    after: tuple[int, str] | None,
    kinds: frozenset[str] | None = None,
) -> list[sa.Row[tuple]]:
    """The root and everything under it on `on`, breadth first, keyset-paged on (depth, id)."""
    down = _subtree_walk(root_id, on)
    stmt = (
        sa.select(
            org_t.c.id,
            org_t.c.code,
            sa.func.coalesce(_name_on(on), org_t.c.name).label("name"),
            org_t.c.kind,
            org_t.c.branch_kind,
            down.c.parent_id,
            down.c.depth,
        )
        .join(down, down.c.id == org_t.c.id)
        .order_by(down.c.depth, org_t.c.id)
        .limit(limit)
    )
    if after is not None:
        depth, last_id = after
        stmt = stmt.where(
            sa.or_(down.c.depth > depth, sa.and_(down.c.depth == depth, org_t.c.id > last_id))
        )
    if kinds:
        stmt = stmt.where(org_t.c.kind.in_(sorted(kinds)))
    return list(await session.execute(stmt))


def subtree_select(root_id: str, on: date, name: str = "down") -> sa.Select[Any]:
    """A one-column select of the root and everything under it on `on`."""
    down = _subtree_walk(root_id, on, name)
    return sa.select(down.c.id)


async def subtree_ids(session: AsyncSession, root_id: str, on: date) -> set[str]:
    return set((await session.execute(subtree_select(root_id, on))).scalars())
