"""Claiming due rows for relays and sweeps, safely with several workers.

PostgreSQL: `FOR UPDATE SKIP LOCKED`, so replicas split the rows and none is taken twice while
its transaction is open. SQLite: the transaction's BEGIN IMMEDIATE already gives one writer at a
time; a second sweeper waits, then sees the rows the first one has already moved on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


async def claim(
    session: AsyncSession,
    model: type[T],
    *conditions: Any,
    order_by: Sequence[Any] = (),
    limit: int = 100,
    lock: bool = True,
) -> list[T]:
    stmt = sa.select(model).where(*conditions).order_by(*order_by).limit(limit)
    if lock and session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await session.execute(stmt)).scalars().all())
