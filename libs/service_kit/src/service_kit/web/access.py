"""Subtree scope on every endpoint of every service.

A token names one organisation (its scope); the caller reaches that organisation and everything
under it on the day of the request — a branch secretary their branch, a commune committee its
commune, the province everything. Enforcement is in two places, both fail-closed:

- **Path parameters.** `create_app` puts `guard` on every protected router. For each path
  parameter of the route it runs the service's resolver for that name (`meeting_id` → the
  meeting's branch, `organisation_id` → itself, …) and refuses with 403 when the answer lies
  outside the caller's subtree. A route with a path parameter that has no resolver refuses to
  start (`check_routes`), so a new endpoint cannot forget its check.
- **Bodies and lists.** A handler takes `access: Access = Depends(caller)` and calls
  `access.require(org_id)` for the organisation a body targets, `access.restrict(stmt, column)`
  on list queries, so rows outside the subtree are never returned.

Province-level resources (rule sets, agencies, signing keys) have the province as their target:
a resolver or handler answers `PROVINCE` and only a province-scoped caller gets through.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from service_kit.auth import Principal, TokenVerifier, forbidden, verified_principal
from service_kit.clock import today_in_vietnam
from service_kit.runtime import ServiceRuntime
from service_kit.web.problems import Problem

PROVINCE = "@province"  # the target of province-level resources
NOT_A_TARGET = None  # a path parameter that names no organisation (a year, an import kind, …)

# (read session, parameter value, all path parameters) → the organisation the resource belongs
# to, `PROVINCE`, or None when there is no such resource (the handler then answers 404).
Resolver = Callable[[AsyncSession, str, Mapping[str, str]], Awaitable[str | None]]
Resolvers = Mapping[str, Resolver | None]
S = TypeVar("S", bound=sa.Select[Any])


class ScopeTree(Protocol):
    """How a service answers "where is X in the tree today" from its own data."""

    async def ancestors(self, session: AsyncSession, org_id: str, on: date) -> Sequence[str]:
        """X's ancestors on `on` (for a node that no longer exists: on its last day)."""
        ...

    def subtree(self, org_id: str, on: date) -> sa.Select[Any]:
        """A one-column select of X and everything under it on `on`."""
        ...


async def itself(_: AsyncSession, value: str, __: Mapping[str, str]) -> str:
    """Resolver for path parameters that are organisation ids."""
    return value


async def province(_: AsyncSession, __: str, ___: Mapping[str, str]) -> str:
    """Resolver for path parameters of province-level resources."""
    return PROVINCE


class Access:
    """The caller of one request and how far they reach."""

    def __init__(
        self, principal: Principal, tree: ScopeTree, runtime: ServiceRuntime, today: date
    ) -> None:
        self.principal, self.tree, self.runtime, self.today = principal, tree, runtime, today
        self._known: dict[str, bool] = {}

    @property
    def everywhere(self) -> bool:
        """A province-scoped caller: one deployment serves one province, so all of it."""
        return (
            self.principal.scope_kind == "province" and self.principal.organisation_id is not None
        )

    @property
    def scope(self) -> str | None:
        return self.principal.organisation_id

    async def within(self, org_id: str) -> bool:
        if self.everywhere:
            return True
        scope = self.scope
        if scope is None or org_id == PROVINCE:
            return False
        if org_id == scope:
            return True
        if org_id not in self._known:
            async with self.runtime.db.session() as session:
                chain = await self.tree.ancestors(session, org_id, self.today)
            self._known[org_id] = scope in chain
        return self._known[org_id]

    async def require(self, org_id: str | None) -> None:
        """403 unless `org_id` lies in the caller's subtree (None: nothing to check)."""
        if org_id is not None and not await self.within(org_id):
            raise outside(org_id)

    async def require_all(self, org_ids: Iterable[str | None]) -> None:
        for org_id in dict.fromkeys(org_ids):
            await self.require(org_id)

    def require_province(self) -> None:
        if not self.everywhere:
            raise outside(PROVINCE)

    def restrict(self, stmt: S, column: Any) -> S:
        """Keep only rows whose `column` names an organisation in the caller's subtree."""
        if self.everywhere:
            return stmt
        if self.scope is None:
            return stmt.where(sa.false())
        return stmt.where(column.in_(self.tree.subtree(self.scope, self.today).scalar_subquery()))


def outside(org_id: str) -> Problem:
    if org_id == PROVINCE:
        return forbidden("Chỉ tài khoản cấp tỉnh được thực hiện thao tác này.")
    return forbidden(f"Tổ chức {org_id!r} nằm ngoài phạm vi của tài khoản.")


def local_today(runtime: ServiceRuntime) -> date:
    return today_in_vietnam(runtime.clock)


def verifier_of(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.verifier
    return verifier


async def principal_of(request: Request) -> Principal:
    """The verified caller (once per request), or problem+json 401/503."""
    return await verified_principal(request, verifier_of(request))


async def caller(request: Request, principal: Principal = Depends(principal_of)) -> Access:
    cached: Access | None = getattr(request.state, "access", None)
    if cached is not None:
        return cached
    runtime: ServiceRuntime = request.app.state.runtime
    access = Access(principal, request.app.state.scope_tree, runtime, local_today(runtime))
    request.state.access = access
    return access


async def guard(request: Request, access: Access = Depends(caller)) -> None:
    """Router-level: every path parameter naming a resource must lie in the caller's subtree."""
    resolvers: Resolvers = request.app.state.scope_resolvers
    params = request.path_params
    if access.everywhere:
        return
    for name, value in params.items():
        resolver = resolvers[name]
        if resolver is None:
            continue
        async with access.runtime.db.session() as session:
            target = await resolver(session, value, params)
        if target is not None:
            await access.require(target)


async def superior(request: Request, access: Access = Depends(caller)) -> None:
    """Route-level, on top of `guard`: acts of the superior committee (confirming a score,
    deciding a classification) — the resource's organisation must lie strictly under the
    caller's; a branch never confirms or decides for itself."""
    if access.everywhere:
        return
    resolvers: Resolvers = request.app.state.scope_resolvers
    for name, value in request.path_params.items():
        resolver = resolvers[name]
        if resolver is None:
            continue
        async with access.runtime.db.session() as session:
            target = await resolver(session, value, request.path_params)
        if target is not None and target == access.scope:
            raise forbidden("Việc này do cấp ủy cấp trên thực hiện; tổ chức không tự làm cho mình.")


def requires_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency: 403 unless the caller holds one of `roles`."""
    needed = frozenset(roles)

    async def dependency(principal: Principal = Depends(principal_of)) -> Principal:
        if not principal.has_any(needed):
            raise forbidden("Tài khoản không có vai trò cần thiết cho thao tác này.")
        return principal

    return dependency


def check_routes(routers: Iterable[APIRouter], resolvers: Resolvers) -> None:
    """Refuse to start when a protected route has a path parameter nobody resolves."""
    missing = [
        f"{route.path} {{{param.name}}}"
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for param in route.dependant.path_params
        if param.name not in resolvers
    ]
    if missing:
        raise RuntimeError(f"path parameters without a scope resolver: {missing}")
