"""Which organisation each resource in a path belongs to, for subtree scope checks.

Notifications, deliveries and contact points belong to the organisation of their role address
(`notifications.addresses`); agency and member addresses, rule sets and agencies are
province-level.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.addresses import organisation_of
from notifications.deliveries.models import Delivery
from notifications.directory.models import ContactPoint
from service_kit.web.access import NOT_A_TARGET, PROVINCE, Resolvers, itself, province
from service_kit.web.deps import Caller


def owner(organisation_id: str | None) -> str:
    """The scope target of a row: its organisation, or the province for province-level rows."""
    return organisation_id or PROVINCE


def address_owner(address: str) -> str:
    """The scope target of a role address (a `recipient` or `address` filter or body field)."""
    return owner(organisation_of(address))


async def contact_point_owner(session: AsyncSession, contact_point_id: str) -> str | None:
    contact = await session.get(ContactPoint, contact_point_id)
    return owner(contact.organisation_id) if contact else None


async def _contact_point(session: AsyncSession, value: str, _: Mapping[str, str]) -> str | None:
    return await contact_point_owner(session, value)


async def _delivery(session: AsyncSession, value: str, _: Mapping[str, str]) -> str | None:
    row = await session.get(Delivery, value)
    return owner(row.organisation_id) if row else None


async def province_only(access: Caller) -> None:
    """Router dependency of province-level resources (rule sets, agencies)."""
    access.require_province()


RESOLVERS: Resolvers = {
    # An inbox has its own rule (its holders, the offices above): `notifications.inbox.owners`.
    "notification_id": NOT_A_TARGET,
    "delivery_id": _delivery,
    "contact_point_id": _contact_point,
    "version": province,
    "organisation_id": itself,
}
