"""Every registry write in the audit log: who (the token's subject), what (the route and the
entity it names), when, and the entity before and after — in the write's own transaction.

`registry.audit.edge.write` calls `audited` around each action; identity writes record their own
entries (they know which fields are secret). The state "before" is read by a loader per path
parameter; creations have no "before", their entity is the id the action returns.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from registry.audit import record as audit
from registry.members import service as members
from registry.members.models import Member
from registry.organisations import queries
from registry.organisations import service as organisation_service
from registry.organisations.models import Organisation
from registry.roles.models import ObserverAssignment, RoleAssignment
from service_kit.uow import UnitOfWork

Loader = Callable[[AsyncSession, str, date], Awaitable[dict[str, Any] | None]]


async def _organisation(session: AsyncSession, org_id: str, day: date) -> dict[str, Any] | None:
    org = await session.get(Organisation, org_id)
    if org is None:
        return None
    link = await queries.link_on(session, org_id, day)
    return organisation_service.out(org, link.parent_id if link else None).model_dump(mode="json")


async def _member(session: AsyncSession, member_id: str, _: date) -> dict[str, Any] | None:
    member = await session.get(Member, member_id)
    return (await members.out(session, member)).model_dump(mode="json") if member else None


def _row(model: type[RoleAssignment] | type[ObserverAssignment]) -> Loader:
    async def load(session: AsyncSession, ident: str, _: date) -> dict[str, Any] | None:
        row = await session.get(model, ident)
        return audit.snapshot(row) if row is not None else None

    return load


# path parameter → (entity name, how to read it before the write)
TARGETS: dict[str, tuple[str, Loader]] = {
    "organisation_id": ("organisation", _organisation),
    "member_id": ("member", _member),
    "role_assignment_id": ("role_assignment", _row(RoleAssignment)),
    "observer_assignment_id": ("observer_assignment", _row(ObserverAssignment)),
}


def actor(request: Request) -> str:
    principal = getattr(request.state, "principal", None)
    return principal.actor if principal is not None else "anonymous"


async def audited(
    request: Request,
    uow: UnitOfWork,
    action: Callable[[UnitOfWork], Awaitable[BaseModel]],
    at: datetime,
    today: date,
) -> BaseModel:
    """Runs `action` and adds its audit entry to the same unit of work."""
    route = request.scope.get("route")
    what = f"{request.method} {getattr(route, 'path', request.url.path)}"
    target = next(((n, v) for n, v in request.path_params.items() if n in TARGETS), None)
    before = None
    if target is not None:
        entity, load = TARGETS[target[0]]
        before = await load(uow.session, target[1], today)
    out = await action(uow)
    after = out.model_dump(mode="json")
    if target is None:
        # A creation: the entity is what the action returned (OrganisationOut → organisation).
        entity = re.sub(r"(?<!^)(?=[A-Z])", "_", type(out).__name__.removesuffix("Out")).lower()
        entity_id = str(after.get("id", ""))
    else:
        entity_id = target[1]
    await audit.record(
        uow.session,
        actor=actor(request),
        action=what,
        entity=entity,
        entity_id=entity_id,
        at=at,
        before=before,
        after=after,
    )
    return out
