"""The organisation path in a public event's routing key (`event_contracts.routing`), found by
the service that publishes it in its own tree (the registry's links, or the replica of the
others) on the day it publishes.

The outbox relay asks once per batch, before publishing: one query for the batch's
organisations, nothing added to the write path of a request, and the outbox row keeps its type
key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.routing import organisation_of, with_path

log = logging.getLogger(__name__)

# (session, organisation ids, day) → each one's ancestors that day, nearest first: a scope
# tree's `ancestors_many`, one query per batch (`org_tree.walk`). An organisation the tree does
# not know (a replica that has not had its registration yet) is left out of the mapping.
AncestorsMany = Callable[
    [AsyncSession, Sequence[str], date], Awaitable[Mapping[str, Sequence[str]]]
]
# (session, organisation id, day) → its ancestors that day, nearest first (ScopeTree.ancestors)
Ancestors = Callable[[AsyncSession, str, date], Awaitable[Sequence[str]]]


def one_by_one(ancestors: Ancestors) -> AncestorsMany:
    """For a tree that answers one organisation at a time."""

    async def many(session: AsyncSession, orgs: Sequence[str], on: date) -> dict[str, list[str]]:
        return {org: list(await ancestors(session, org, on)) for org in orgs}

    return many


class OrganisationPaths:
    def __init__(self, ancestors: AncestorsMany, today: Callable[[], date]) -> None:
        self.ancestors, self.today = ancestors, today

    async def routing_keys(
        self, session: AsyncSession, rows: Sequence[tuple[str, str]]
    ) -> list[str]:
        """The key to publish each (routing key, CloudEvent JSON) with."""
        return [key for key, _ in await self.placed(session, rows)]

    async def placed(
        self, session: AsyncSession, rows: Sequence[tuple[str, str]]
    ) -> list[tuple[str, bool]]:
        """Each row's key, and whether its organisation is in the tree (an event about no
        organisation, or when the lookup fails, counts as placed: never stall the relay)."""
        on = self.today()
        orgs: list[str | None] = []
        for key, payload in rows:
            data = json.loads(payload).get("data")
            orgs.append(organisation_of(key, data) if isinstance(data, dict) else None)
        wanted = sorted({o for o in orgs if o is not None})
        paths: dict[str, list[str]] = {}
        known: set[str] = set(wanted)
        if wanted:
            try:
                above = await self.ancestors(session, wanted, on)
                paths = {org: [*reversed(above.get(org, [])), org] for org in wanted}
                known = set(above)
            except Exception:
                # Never stall the relay: without a path the events still reach internal
                # consumers and province-wide agencies, and no subtree they might not be in.
                log.exception("organisation paths not found", extra={"count": len(wanted)})
        return [
            (with_path(key, paths.get(org, [])), org in known) if org is not None else (key, True)
            for (key, _), org in zip(rows, orgs, strict=True)
        ]
