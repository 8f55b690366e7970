"""The directory: how a message to a role address reaches someone on a channel.

Contact points configured through the API come first (operators' overrides, webhooks, shared
mailboxes). With the registry directory on (this service has client credentials), an e-mail
to an address the registry knows (`rules.in_registry`) and that has no active configured
contact point goes to the people holding the role: the delivery is written with no contact
point, and the worker asks who they are and their e-mail when it sends, outside any
transaction — so a registry outage delays the delivery (retried) instead of losing it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.directory import rules
from notifications.directory.models import ContactPoint
from notifications.directory.registry import RegistryPeople
from org_tree.registry_client import RegistryUnavailable


@dataclass(frozen=True)
class Route:
    """A configured contact point, or (None) the registry's people, looked up when sending."""

    contact_point_id: str | None


class Directory(Protocol):
    async def routes(
        self, session: AsyncSession, addresses: Collection[str], channel: str
    ) -> dict[str, Route]:
        """The route of each address that can be reached on `channel` (the others are left out)."""
        ...

    async def emails(self, address: str) -> list[str]:
        """For a delivery routed to the registry: the e-mail addresses to send it to now."""
        ...


async def _configured(
    session: AsyncSession, addresses: Collection[str], channel: str
) -> dict[str, ContactPoint]:
    if not addresses:
        return {}
    stmt = sa.select(ContactPoint).where(
        col(ContactPoint.address).in_(list(addresses)), ContactPoint.channel == channel
    )
    return {c.address: c for c in (await session.execute(stmt)).scalars()}


class ConfiguredDirectory:
    """Contact points stored in this service, as operators configured them."""

    async def routes(
        self, session: AsyncSession, addresses: Collection[str], channel: str
    ) -> dict[str, Route]:
        found = await _configured(session, addresses, channel)
        return {address: Route(contact.id) for address, contact in found.items()}

    async def emails(self, address: str) -> list[str]:
        raise RegistryUnavailable(
            "thư gửi theo registry nhưng dịch vụ chưa có NOTIFICATIONS_CLIENT_ID/CLIENT_SECRET"
        )


class RegistryDirectory:
    """Configured contact points first; e-mail to people the registry names otherwise. A
    deactivated e-mail contact point gives way to the registry (there is no other way to drop
    an override); a deactivated webhook stays, and its deliveries fail visibly."""

    def __init__(self, people: RegistryPeople) -> None:
        self.people = people

    async def routes(
        self, session: AsyncSession, addresses: Collection[str], channel: str
    ) -> dict[str, Route]:
        found = await _configured(session, addresses, channel)
        chosen: dict[str, Route] = {}
        for address in addresses:
            contact = found.get(address)
            by_registry = channel == "email" and rules.in_registry(address)
            if contact is not None and (contact.active or not by_registry):
                chosen[address] = Route(contact.id)
            elif by_registry:
                chosen[address] = Route(None)
        return chosen

    async def emails(self, address: str) -> list[str]:
        return await self.people.emails(address)


async def route(
    directory: Directory, session: AsyncSession, address: str, channel: str
) -> Route | None:
    return (await directory.routes(session, [address], channel)).get(address)


# Without the registry: configured contact points only.
CONFIGURED = ConfiguredDirectory()


def deactivate(contact: ContactPoint, reason: str, now: datetime) -> None:
    if contact.active:
        contact.active = False
        contact.deactivated_at = now
        contact.deactivation_reason = reason
