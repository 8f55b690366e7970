"""The organisation path in a public event's routing key (`event_contracts.routing`), found by
the service that publishes it in its own tree (the registry's links, or the replica of the
others) on the day it publishes.

The outbox relay asks once per batch, before publishing: one lookup per organisation per
batch, nothing added to the write path of a request, and the outbox row keeps its type key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.routing import organisation_of, with_path

log = logging.getLogger(__name__)

# (session, organisation id, day) → its ancestors that day, nearest first (ScopeTree.ancestors)
Ancestors = Callable[[AsyncSession, str, date], Awaitable[Sequence[str]]]


class OrganisationPaths:
    def __init__(self, ancestors: Ancestors, today: Callable[[], date]) -> None:
        self.ancestors, self.today = ancestors, today

    async def routing_keys(
        self, session: AsyncSession, rows: Sequence[tuple[str, str]]
    ) -> list[str]:
        """The key to publish each (routing key, CloudEvent JSON) with."""
        on = self.today()
        paths: dict[str, list[str]] = {}
        keys: list[str] = []
        for key, payload in rows:
            data = json.loads(payload).get("data")
            org = organisation_of(key, data) if isinstance(data, dict) else None
            if org is None:
                keys.append(key)
                continue
            if org not in paths:
                try:
                    above = await self.ancestors(session, org, on)
                    paths[org] = [*reversed(above), org]
                except Exception:
                    # Never stall the relay: without a path the event still reaches internal
                    # consumers and province-wide agencies, and no subtree it might not be in.
                    log.exception("organisation path not found", extra={"organisation": org})
                    paths[org] = []
            keys.append(with_path(key, paths[org]))
        return keys
