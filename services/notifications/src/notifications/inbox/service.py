"""The in-app inbox: at most one entry per (event, recipient, channel), whatever the replays."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.inbox.models import Notification
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork


async def record(
    uow: UnitOfWork,
    *,
    event_id: str,
    event_type: str,
    recipient: str,
    subject: str,
    body: str,
    urgent: bool,
    rule_set_version: int,
) -> int:
    insert = postgresql.insert if uow.db.dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(Notification)
        .values(
            id=new_id(),
            event_id=event_id,
            event_type=event_type,
            recipient=recipient,
            channel="inbox",
            subject=subject,
            body=body,
            urgent=urgent,
            rule_set_version=rule_set_version,
            created_at=uow.now(),
        )
        .on_conflict_do_nothing()
    )
    return int((await uow.session.execute(stmt)).rowcount)


async def unread_count(session: AsyncSession, recipient: str) -> int:
    stmt = sa.select(sa.func.count()).where(
        Notification.recipient == recipient,
        Notification.read_at.is_(None),
    )
    return int((await session.execute(stmt)).scalar_one())


async def mark_read(
    session: AsyncSession, notification_id: str, now: datetime
) -> Notification | None:
    """Idempotent: the first reading time is kept."""
    row = await session.get(Notification, notification_id)
    if row is not None and row.read_at is None:
        row.read_at = now
    return row


async def mark_all_read(session: AsyncSession, recipient: str, now: datetime) -> int:
    result: sa.CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        sa.update(Notification)
        .where(Notification.recipient == recipient, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return int(result.rowcount)
