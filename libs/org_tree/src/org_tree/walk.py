"""The ancestors of many organisations at once, from a dated link table (child, parent,
valid_from, valid_to exclusive): one recursive query per distinct day, whatever the number of
organisations — what the outbox relay asks for a batch of public events (`service_kit.bus.paths`).
The registry walks its own links with it, the other services their replica's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession


async def walk_up(
    session: AsyncSession, link: sa.Table, starts: Mapping[str, date], max_depth: int
) -> dict[str, list[str]]:
    """Each start's ancestors, nearest first, following the links in force on its own day (the
    day it is asked about, or the last day of an organisation that has ended)."""
    found: dict[str, list[str]] = {org: [] for org in starts}
    by_day: dict[date, list[str]] = defaultdict(list)
    for org, day in starts.items():
        by_day[day].append(org)
    c = link.c
    for day, orgs in by_day.items():

        def in_force(table: Any, on: date = day) -> sa.ColumnElement[bool]:
            cols = table.c
            return sa.and_(
                cols.valid_from <= on, sa.or_(cols.valid_to.is_(None), cols.valid_to > on)
            )

        up = (
            sa.select(
                c.child_id.label("start"), c.parent_id.label("id"), sa.literal(1).label("depth")
            )
            .where(c.child_id.in_(orgs), in_force(link))
            .cte("walk_up", recursive=True)
        )
        step = link.alias("step")
        up = up.union_all(
            sa.select(up.c.start, step.c.parent_id, up.c.depth + 1).where(
                step.c.child_id == up.c.id, in_force(step), up.c.depth < max_depth
            )
        )
        rows = await session.execute(
            sa.select(up.c.start, up.c.id).order_by(up.c.start, up.c.depth)
        )
        for start, parent in rows:
            found[start].append(parent)
    return found
