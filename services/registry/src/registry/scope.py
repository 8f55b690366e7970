"""Subtree scope in the registry: where X is in the tree today (from the registry's own dated
tables) and which organisation each resource in a path belongs to."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from org_tree.walk import walk_up
from registry.identity.models import UserAccount
from registry.members import service as members
from registry.members.models import Member
from registry.organisations import queries
from registry.organisations.models import Organisation, OrganisationLink
from registry.roles.models import ObserverAssignment, RoleAssignment
from service_kit.clock import today_in_vietnam
from service_kit.runtime import ServiceRuntime
from service_kit.web.access import NOT_A_TARGET, PROVINCE, Resolver, Resolvers, itself, province

_names = itertools.count()


def existing_day(org: Organisation, on: date) -> date:
    """`on` if the organisation exists then; else its last day (ended) or its first (not yet)."""
    if org.valid_to is not None and org.valid_to <= on:
        return org.valid_to - timedelta(days=1)
    return max(on, org.valid_from)


class RegistryScopeTree:
    """`service_kit.web.access.ScopeTree` over the registry's organisation links. A node that
    no longer exists keeps the ancestors of its last day, one not yet started those of its first."""

    async def ancestors(self, session: AsyncSession, org_id: str, on: date) -> Sequence[str]:
        org = await session.get(Organisation, org_id)
        if org is None:
            return []
        return await queries.ancestor_ids(session, org_id, existing_day(org, on))

    async def ancestors_many(
        self, session: AsyncSession, org_ids: Sequence[str], on: date
    ) -> dict[str, list[str]]:
        """`ancestors` of many at once (one query per distinct day): the outbox relay's. An
        organisation not in the registry is left out."""
        wanted = sorted(set(org_ids))
        orgs = (
            await session.execute(sa.select(Organisation).where(Organisation.id.in_(wanted)))
        ).scalars()
        starts = {org.id: existing_day(org, on) for org in orgs}
        found = await walk_up(session, OrganisationLink.__table__, starts, queries.MAX_DEPTH)
        return {org: found.get(org, []) for org in wanted if org in starts}

    def subtree(self, org_id: str, on: date) -> sa.Select[Any]:
        # A fresh CTE name each time: a query may restrict by several grants' subtrees.
        return queries.subtree_select(org_id, on, name=f"scope_{next(_names)}")


def _member(runtime: ServiceRuntime) -> Resolver:
    async def resolve(session: AsyncSession, member_id: str, _: Mapping[str, str]) -> str | None:
        if await session.get(Member, member_id) is None:
            return None
        # A member without any branch (never expected) is a province matter.
        return (
            await members.home_branch(session, member_id, today_in_vietnam(runtime.clock))
            or PROVINCE
        )

    return resolve


async def _role(session: AsyncSession, assignment_id: str, _: Mapping[str, str]) -> str | None:
    assignment = await session.get(RoleAssignment, assignment_id)
    return assignment.organisation_id if assignment else None


async def _observer(session: AsyncSession, assignment_id: str, _: Mapping[str, str]) -> str | None:
    assignment = await session.get(ObserverAssignment, assignment_id)
    return assignment.branch_id if assignment else None


async def _user(session: AsyncSession, user_id: str, _: Mapping[str, str]) -> str | None:
    user = await session.get(UserAccount, user_id)
    return user.organisation_id if user else None


def resolvers(runtime: ServiceRuntime) -> Resolvers:
    """Path parameter → the organisation its resource belongs to (a member: their home branch
    today, by the service's clock)."""
    return {
        "organisation_id": itself,
        "branch_id": itself,
        "member_id": _member(runtime),
        "role_assignment_id": _role,
        "observer_assignment_id": _observer,
        "user_id": _user,
        "client_id": province,  # clients are province-level, like their administration
        "kind": NOT_A_TARGET,  # the kind of an import; imports are province-level
    }
