"""Registering agencies and finding the webhook subscribers of an event."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.agencies.models import Agency
from notifications.agencies.rules import is_public, topic_matches, wants
from notifications.replica import service as replica


def address(name: str) -> str:
    return f"agency:{name}"


def patterns_of(agency: Agency) -> list[str]:
    return list(json.loads(agency.patterns))


def organisations_of(agency: Agency) -> list[str]:
    return list(json.loads(agency.organisation_ids))


async def webhook_subscribers(
    session: AsyncSession, routing_key: str, organisation_ids: Sequence[str], on: date
) -> list[str]:
    """Names of the webhook agencies that get this event (public, subscribed, in their subtree
    as the tree stood on `on`)."""
    if not is_public(routing_key):
        return []
    rows = (await session.execute(sa.select(Agency).where(Agency.channel == "webhook"))).scalars()
    candidates = [a for a in rows if any(topic_matches(p, routing_key) for p in patterns_of(a))]
    if not candidates:
        return []
    chains = [await replica.ancestors(session, oid, on) for oid in organisation_ids]
    return [
        a.name
        for a in candidates
        if wants(patterns_of(a), organisations_of(a), routing_key, chains)
    ]
