"""Who may call what, and where: permission × subtree on every endpoint of every service.

A token carries the caller's grants (`service_kit.grants`): a role held at an organisation. A
route needs one permission (`service_kit.web.permissions`); a grant whose role gives it reaches
the grant's organisation and everything under it on the day of the request — a branch secretary
their branch, a commune office its commune, a province administrator everything. Enforcement is
fail-closed, in two places:

- **The route and its path parameters.** `create_app` puts `guard` on every protected router:
  the caller must hold the route's permission somewhere (else 403), and for each path parameter
  the service's resolver names the organisation the resource belongs to (`meeting_id` → the
  meeting's branch, `organisation_id` → itself, …), which must lie under a grant giving the
  permission. A route without a permission or a path parameter without a resolver refuses to
  start (`check_permissions`, `check_routes`).
- **Bodies and lists.** A handler takes `access: Caller` and calls `access.require(org_id)`
  for the organisation a body targets and `access.restrict(stmt, column)` on list queries, both
  against the route's permission unless another is named.

Province-level resources (rule sets, agencies, signing keys) have the province as their target:
a resolver or handler answers `PROVINCE` and only a grant held at the province gets through.
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
from service_kit.grants import Grant
from service_kit.runtime import ServiceRuntime
from service_kit.web.permissions import Permissions
from service_kit.web.problems import Problem

PROVINCE = "@province"  # the target of province-level resources
NOT_A_TARGET = None  # a path parameter that names no organisation (a year, an import kind, …)

# (read session, parameter value, all path parameters) → the organisation the resource belongs
# to, `PROVINCE`, or None when there is no such resource: 404 for a caller not everywhere, never
# a pass (a handler that forgot to look would otherwise act on a target nobody checked).
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
    """The caller of one request, what they hold and how far it reaches."""

    def __init__(
        self,
        principal: Principal,
        tree: ScopeTree,
        runtime: ServiceRuntime,
        today: date,
        table: Permissions,
        permission: str | None = None,
    ) -> None:
        self.principal, self.tree, self.runtime, self.today = principal, tree, runtime, today
        self.table, self.permission = table, permission
        self._chains: dict[str, frozenset[str]] = {}

    def _needed(self, permission: str | None) -> str:
        needed = permission or self.permission
        if needed is None:
            raise RuntimeError("no permission named for this check")
        return needed

    def holding(self, permission: str | None = None) -> list[Grant]:
        """The caller's grants in force today whose role gives `permission`."""
        needed = self._needed(permission)
        return [
            g for g in self.principal.grants_on(self.today) if needed in self.table.given_by(g.role)
        ]

    def holds(self, permission: str | None = None) -> bool:
        return bool(self.holding(permission))

    def everywhere_for(self, permission: str | None = None) -> bool:
        """Holds `permission` at the province: one deployment serves one province, so all."""
        return any(g.province for g in self.holding(permission))

    @property
    def everywhere(self) -> bool:
        return self.everywhere_for()

    async def _chain(self, org_id: str) -> frozenset[str]:
        """`org_id` and its ancestors today."""
        if org_id not in self._chains:
            ancestors = await self.runtime.db.read(
                lambda session: self.tree.ancestors(session, org_id, self.today)
            )
            self._chains[org_id] = frozenset({org_id, *ancestors})
        return self._chains[org_id]

    async def within(
        self, org_id: str, permission: str | None = None, *, strictly: bool = False
    ) -> bool:
        """`org_id` lies under a grant giving `permission` (`strictly`: under, not at it)."""
        holding = self.holding(permission)
        if org_id == PROVINCE:
            return any(g.province for g in holding)
        if any(g.province and not (strictly and g.org == org_id) for g in holding):
            return True
        chain = await self._chain(org_id)
        return any(g.org in chain and not (strictly and g.org == org_id) for g in holding)

    async def require(self, org_id: str | None, permission: str | None = None) -> None:
        """403 unless `org_id` lies under a grant giving the permission (None: nothing to
        check)."""
        if org_id is not None and not await self.within(org_id, permission):
            raise outside(org_id, self._needed(permission), self)

    async def require_all(
        self, org_ids: Iterable[str | None], permission: str | None = None
    ) -> None:
        for org_id in dict.fromkeys(org_ids):
            await self.require(org_id, permission)

    def require_province(self, permission: str | None = None) -> None:
        if not self.everywhere_for(permission):
            raise outside(PROVINCE, self._needed(permission), self)

    def restrict(self, stmt: S, *columns: Any, permission: str | None = None) -> S:
        """Keep only rows where one of `columns` names an organisation under a grant giving the
        permission (a request is seen from its branch and from the body that owes the answer)."""
        holding = self.holding(permission)
        if any(g.province for g in holding):
            return stmt
        if not holding:
            return stmt.where(sa.false())
        roots = sorted({g.org for g in holding})
        return stmt.where(
            sa.or_(
                *(
                    column.in_(self.tree.subtree(r, self.today).scalar_subquery())
                    for r in roots
                    for column in columns
                )
            )
        )

    def grant_roots(self, permission: str | None = None) -> list[str]:
        """Organisations under which the permission holds (for queries built by hand)."""
        return sorted({g.org for g in self.holding(permission)})


def outside(org_id: str, permission: str, access: Access | None = None) -> Problem:
    if access is not None and not access.holds(permission):
        return forbidden(
            f"Tài khoản không có quyền «{_describe(access, permission)}» ({permission})."
        )
    if org_id == PROVINCE:
        return forbidden("Chỉ tài khoản cấp tỉnh được thực hiện thao tác này.")
    return forbidden(f"Tổ chức {org_id!r} nằm ngoài phạm vi quyền của tài khoản.")


def _describe(access: Access, permission: str) -> str:
    found = access.table.catalog.get(permission)
    return found.description if found is not None else permission


def local_today(runtime: ServiceRuntime) -> date:
    return today_in_vietnam(runtime.clock)


def verifier_of(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.verifier
    return verifier


async def principal_of(request: Request) -> Principal:
    """The verified caller (once per request), or problem+json 401/503."""
    return await verified_principal(request, verifier_of(request))


def route_permission(request: Request) -> str | None:
    table: Permissions | None = getattr(request.app.state, "permissions", None)
    route = request.scope.get("route")
    if table is None or not isinstance(route, APIRoute):
        return None
    return table.routes.get(f"{request.method} {route.path}")


async def caller(request: Request, principal: Principal = Depends(principal_of)) -> Access:
    cached: Access | None = getattr(request.state, "access", None)
    if cached is not None:
        return cached
    runtime: ServiceRuntime = request.app.state.runtime
    access = Access(
        principal,
        request.app.state.scope_tree,
        runtime,
        local_today(runtime),
        request.app.state.permissions,
        route_permission(request),
    )
    request.state.access = access
    return access


async def _targets(request: Request, access: Access, *, missing_ok: bool = False) -> list[str]:
    """The organisation of each path parameter that names a resource; 404 when one names
    nothing (its resolver found no such resource), unless `missing_ok` (the handler answers:
    its own 404, or a 422 for a malformed parameter beside it)."""
    resolvers: Resolvers = request.app.state.scope_resolvers
    params = request.path_params
    found: list[str] = []
    for name, value in params.items():
        resolver = resolvers[name]
        if resolver is None:
            continue
        async with access.runtime.db.session() as session:
            target = await resolver(session, value, params)
        if target is None:
            if missing_ok:
                continue
            raise not_found(name, value)
        found.append(target)
    return found


def not_found(name: str, value: str) -> Problem:
    return Problem(404, "not-found", f"Không tìm thấy đối tượng {value[:100]!r} ({name}).")


async def guard(request: Request, access: Access = Depends(caller)) -> None:
    """Router-level: the caller holds the route's permission, and every path parameter naming a
    resource lies under a grant giving it."""
    if access.permission is None:
        raise forbidden("Thao tác này chưa được khai báo quyền.")  # never: checked at start-up
    if not access.holds():
        raise outside(PROVINCE, access.permission, access)
    if access.everywhere:
        return
    for target in await _targets(request, access):
        await access.require(target)


async def superior(request: Request, access: Access = Depends(caller)) -> None:
    """Route-level, on top of `guard`: acts of the superior committee (confirming a score,
    deciding a classification) — the resource's organisation must lie strictly under a grant
    giving the permission; a branch never confirms or decides for itself."""
    for target in await _targets(request, access, missing_ok=access.everywhere):
        if not await access.within(target, strictly=True):
            raise forbidden("Việc này do cấp ủy cấp trên thực hiện; tổ chức không tự làm cho mình.")


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
