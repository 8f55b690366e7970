"""Who may do what: one permission table per service, deny by default.

Each service writes, beside its scope resolvers, a `Permissions`: every route ("METHOD /path")
names the permission it needs, and every access role (`service_kit.grants.AccessRole`) lists the
permissions it gives. A caller may call a route when one of their grants gives its permission
and the route's target lies in that grant's organisation's subtree (`service_kit.web.access`).
A route missing from the table, or a table entry naming no route, refuses to start; reads and
writes are separate permissions, and nothing gives a reader or an agency a write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from fastapi import APIRouter
from fastapi.routing import APIRoute

from service_kit.grants import AccessRole

# Roles that never write domain data, whatever a table says.
READ_ONLY_ROLES = frozenset({AccessRole.READER, AccessRole.AGENCY})


@dataclass(frozen=True)
class Permission:
    name: str
    description: str  # Vietnamese, for the roles table in the README
    write: bool


@dataclass(frozen=True)
class Permissions:
    routes: Mapping[str, str]  # "POST /v1/meetings" → "meeting.write"
    roles: Mapping[str, frozenset[str]]  # access role → the permissions it gives
    catalog: Mapping[str, Permission] = field(default_factory=dict)

    def of_route(self, method: str, path: str) -> str:
        return self.routes[f"{method} {path}"]

    def given_by(self, role: str) -> frozenset[str]:
        return self.roles.get(role, frozenset())

    def roles_with(self, permission: str) -> frozenset[str]:
        return frozenset(r for r, given in self.roles.items() if permission in given)


def permissions(
    catalog: Iterable[Permission],
    routes: Mapping[str, str],
    roles: Mapping[str, Iterable[str]],
) -> Permissions:
    """Build a table, refusing one that names an unknown permission or role, or gives a
    read-only role a write."""
    by_name = {p.name: p for p in catalog}
    unknown = sorted({p for p in routes.values() if p not in by_name})
    unknown += sorted({p for given in roles.values() for p in given if p not in by_name})
    if unknown:
        raise RuntimeError(f"permissions not in the catalog: {unknown}")
    bad_roles = sorted(set(roles) - set(AccessRole))
    if bad_roles:
        raise RuntimeError(f"unknown access roles: {bad_roles}")
    writes = sorted(
        f"{role}: {p}" for role in READ_ONLY_ROLES for p in roles.get(role, ()) if by_name[p].write
    )
    if writes:
        raise RuntimeError(f"read-only roles given writes: {writes}")
    return Permissions(
        routes=dict(routes),
        roles={role: frozenset(given) for role, given in roles.items()},
        catalog=by_name,
    )


def route_keys(routers: Iterable[APIRouter]) -> list[str]:
    return [
        f"{method} {route.path}"
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods or ())
    ]


def check_permissions(routers: Iterable[APIRouter], table: Permissions) -> None:
    """Refuse to start when a protected route has no permission, or the table names a route
    that does not exist (a renamed route must not keep a stale entry)."""
    keys = route_keys(routers)
    missing = [k for k in keys if k not in table.routes]
    stale = sorted(set(table.routes) - set(keys))
    if missing or stale:
        raise RuntimeError(
            f"routes without a permission: {missing}; entries without a route: {stale}"
        )
