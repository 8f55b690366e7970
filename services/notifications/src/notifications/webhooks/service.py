"""Webhook secrets: one created with the endpoint, rotation keeps the old one for a grace period."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.webhooks.models import WebhookSecret
from notifications.webhooks.verify import new_secret
from service_kit.ids import new_id


async def add_secret(session: AsyncSession, contact_point_id: str) -> WebhookSecret:
    row = WebhookSecret(id=new_id(), contact_point_id=contact_point_id, secret=new_secret())
    session.add(row)
    await session.flush()
    return row


async def rotate(
    session: AsyncSession, contact_point_id: str, grace_seconds: int, now: datetime
) -> WebhookSecret:
    """A new secret; those still valid now expire after the grace (both sign meanwhile)."""
    ends = now + timedelta(seconds=grace_seconds)
    await session.execute(
        sa.update(WebhookSecret)
        .where(
            WebhookSecret.contact_point_id == contact_point_id,
            sa.or_(WebhookSecret.expires_at.is_(None), WebhookSecret.expires_at > ends),
        )
        .values(expires_at=ends)
    )
    return await add_secret(session, contact_point_id)


async def valid_secrets(
    session: AsyncSession, contact_point_ids: list[str], now: datetime
) -> dict[str, list[str]]:
    """Secrets that sign now, newest first, per contact point."""
    if not contact_point_ids:
        return {}
    stmt = (
        sa.select(WebhookSecret)
        .where(
            WebhookSecret.contact_point_id.in_(contact_point_ids),
            sa.or_(WebhookSecret.expires_at.is_(None), WebhookSecret.expires_at > now),
        )
        .order_by(WebhookSecret.created_at.desc())
    )
    found: dict[str, list[str]] = {}
    for row in (await session.execute(stmt)).scalars():
        found.setdefault(row.contact_point_id, []).append(row.secret)
    return found
