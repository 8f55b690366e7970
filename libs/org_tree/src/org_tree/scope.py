"""The replica's answer to "where is X in the tree today", for subtree scope checks."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from org_tree.replica import ancestors_many, chain_on, subtree_cte

_names = itertools.count()


class ReplicaScopeTree:
    """`service_kit.web.access.ScopeTree` over the organisation replica (meetings, scoring,
    notifications). A node that no longer exists keeps the ancestors of its last day."""

    async def ancestors(self, session: AsyncSession, org_id: str, on: date) -> Sequence[str]:
        return [node.organisation_id for node in (await chain_on(session, org_id, on))[1:]]

    async def ancestors_many(
        self, session: AsyncSession, org_ids: Sequence[str], on: date
    ) -> dict[str, list[str]]:
        """`ancestors` of many at once (one query per distinct day): the outbox relay's."""
        return await ancestors_many(session, org_ids, on)

    def subtree(self, org_id: str, on: date) -> sa.Select[Any]:
        # A fresh CTE name each time: one query may restrict by scope and filter by a subtree.
        tree = subtree_cte(org_id, on, f"scope_tree_{next(_names)}")
        return sa.select(tree.c.id)
