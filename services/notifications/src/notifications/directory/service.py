"""The directory: role address + channel → contact point.

Today contact points are configured through the API; resolving people from the registry
(roles, observer assignments, personal contact data over HTTP) will be another `Directory`.
"""

from __future__ import annotations

from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.directory.models import ContactPoint
from service_kit.db import utcnow


class Directory(Protocol):
    async def contact(
        self, session: AsyncSession, address: str, channel: str
    ) -> ContactPoint | None: ...


class ConfiguredDirectory:
    """Contact points stored in this service, as operators configured them."""

    async def contact(
        self, session: AsyncSession, address: str, channel: str
    ) -> ContactPoint | None:
        stmt = sa.select(ContactPoint).where(
            ContactPoint.address == address, ContactPoint.channel == channel
        )
        return (await session.execute(stmt)).scalar_one_or_none()


def deactivate(contact: ContactPoint, reason: str) -> None:
    if contact.active:
        contact.active = False
        contact.deactivated_at = utcnow()
        contact.deactivation_reason = reason
