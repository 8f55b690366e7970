"""Replaying failed deliveries: due again now, attempts counted afresh, same webhook-id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.deliveries.models import Delivery
from notifications.directory.models import ContactPoint
from service_kit.errors import Conflict, NotFound


async def replay_one(session: AsyncSession, delivery_id: str, now: datetime) -> Delivery:
    row = await session.get(Delivery, delivery_id)
    if row is None:
        raise NotFound("delivery-not-found", "Không tìm thấy lần gửi này.")
    if row.status != "failed":
        raise Conflict(
            "delivery-not-failed",
            f"Chỉ gửi lại được lần gửi thất bại; lần gửi này đang ở trạng thái {row.status}.",
        )
    contact = (
        await session.get(ContactPoint, row.contact_point_id) if row.contact_point_id else None
    )
    if row.contact_point_id and (contact is None or not contact.active):
        raise Conflict(
            "contact-point-inactive",
            "Điểm nhận đang bị vô hiệu hóa; hãy kích hoạt lại (PATCH /v1/contact-points/{id}) "
            "rồi gửi lại.",
        )
    _reschedule(row, now)
    return row


async def replay_failed(
    session: AsyncSession,
    *,
    contact_point_id: str | None,
    created_since: datetime | None,
    limit: int,
    within: Callable[[sa.Select[tuple[Delivery]]], sa.Select[tuple[Delivery]]],
    now: datetime,
) -> int:
    """Failed deliveries to active contact points or to the registry's people, oldest first, at
    most `limit`, among those `within` keeps (the caller's subtree)."""
    stmt = (
        sa.select(Delivery)
        .outerjoin(ContactPoint, ContactPoint.id == Delivery.contact_point_id)
        .where(
            Delivery.status == "failed",
            sa.or_(Delivery.contact_point_id.is_(None), ContactPoint.active.is_(True)),
        )
        .order_by(Delivery.created_at)
        .limit(limit)
    )
    stmt = within(stmt)
    if contact_point_id:
        stmt = stmt.where(Delivery.contact_point_id == contact_point_id)
    if created_since:
        stmt = stmt.where(Delivery.created_at >= created_since)
    rows = list((await session.execute(stmt)).scalars())
    for row in rows:
        _reschedule(row, now)
    return len(rows)


def _reschedule(row: Delivery, now: datetime) -> None:
    row.status, row.attempts, row.next_attempt_at = "pending", 0, now
