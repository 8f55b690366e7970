"""The access property, for any service: random trees, random people holding random roles at
random nodes, every protected endpoint — allowed exactly when the service's permission table
gives one of the caller's roles the route's permission at a node above (or at) every target,
and lists never contain a row the caller may not see.

A service's test supplies a `World` (the random tree, already seeded into the service, with a
resource of each kind under the nodes it chose), its permission table and one `Probe` per
endpoint. `check_coverage` fails when an endpoint of the app has no probe or no table entry, so
a new endpoint cannot skip the property.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from chibo_testing.tokens import token
from event_contracts.events.registry import OrganisationRegistered
from event_contracts.vocabulary import BRANCH_KINDS
from org_tree.replica import apply_registered
from service_kit.grants import AccessRole, Grant
from service_kit.web.access import PROVINCE
from service_kit.web.permissions import Permissions

# Roles held in a branch: their grants sit on branches only.
BRANCH_ROLES = frozenset(
    {
        AccessRole.SECRETARY,
        AccessRole.DEPUTY_SECRETARY,
        AccessRole.BRANCH_COMMITTEE,
        AccessRole.MEMBER,
        AccessRole.OBSERVER,
    }
)


@dataclass
class World:
    """A random organisation tree: `parent[x]` is x's parent (None for the province root)."""

    parent: dict[str, str | None]
    kind: dict[str, str]
    resources: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → node → id

    @property
    def root(self) -> str:
        return next(n for n, p in self.parent.items() if p is None)

    @property
    def nodes(self) -> list[str]:
        return list(self.parent)

    @property
    def branches(self) -> list[str]:
        return [n for n in self.parent if self.kind[n] in BRANCH_KINDS]

    def ancestors(self, node: str) -> list[str]:
        chain, current = [], self.parent[node]
        while current is not None:
            chain.append(current)
            current = self.parent[current]
        return chain

    def resource(self, kind: str, node: str) -> str:
        return self.resources[kind][node]

    def holders(self, kind: str) -> list[str]:
        """The nodes that hold a resource of `kind`."""
        return list(self.resources.get(kind, {}))


async def seed_replica(
    session: AsyncSession, world: World, valid_from: date, branch_kind: str | None = None
) -> None:
    """The world's tree into a service's organisation replica, as the registry's events would
    put it (`branch_kind` given to every branch)."""
    for node, parent in world.parent.items():
        await apply_registered(
            session,
            OrganisationRegistered.produce(
                aggregate_version=1,
                organisation_id=node,
                code=node,
                name=node,
                kind=world.kind[node],
                parent_id=parent,
                valid_from=valid_from,
                branch_kind=branch_kind if node in world.branches else None,
            ),
        )


def random_tree(rng: random.Random, max_nodes: int = 14, prefix: str = "") -> World:
    """A province with 1–3 communes, each with up to 2 grassroots organisations or grassroots
    branches straight under it, each organisation with 1–3 affiliated branches (the kinds and
    parent rules of the registry). Ids are fresh per call."""
    tag = prefix or uuid.uuid4().hex[:6]
    root = f"{tag}-tinh"
    parent: dict[str, str | None] = {root: None}
    kind = {root: "province"}

    def add(node_kind: str, under: str) -> str | None:
        if len(parent) >= max_nodes:
            return None
        node = f"{tag}-{node_kind[:4]}{len(parent):02d}"
        parent[node], kind[node] = under, node_kind
        return node

    for _ in range(rng.randint(1, 3)):
        commune = add("commune", root)
        if commune is None:
            break
        for _ in range(rng.randint(1, 2)):
            if rng.random() < 0.3:
                add("grassroots_branch", commune)  # a branch straight under the commune
                continue
            org = add("grassroots_organisation", commune)
            if org is None:
                break
            for _ in range(rng.randint(1, 3)):
                add("affiliated_branch", org)
    if not any(k in BRANCH_KINDS for k in kind.values()):
        commune = next(n for n, k in kind.items() if k == "commune")
        parent[f"{tag}-bran99"], kind[f"{tag}-bran99"] = commune, "grassroots_branch"
    return World(parent, kind)


@dataclass(frozen=True)
class Caller:
    """A person (or client) holding `grants`; `member_id` when the token names a member."""

    grants: tuple[Grant, ...]
    member_id: str | None = None

    def headers(self) -> dict[str, str]:
        org = self.grants[0].org if self.grants else None
        signed = token(org, "branch", roles=(), grants=self.grants, member_id=self.member_id)
        return {"Authorization": f"Bearer {signed}"}

    def __str__(self) -> str:
        held = ", ".join(f"{g.role}@{g.org}" for g in self.grants)
        return f"[{held}]" + (f" member {self.member_id}" if self.member_id else "")


@dataclass(frozen=True)
class Call:
    """One request a probe makes, and the organisations it targets (all must be reachable)."""

    method: str
    path: str
    targets: Sequence[str]
    json: Any = None
    params: dict[str, Any] | None = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    superior: bool = False  # an act of the superior committee: never on the caller's own node
    permission: str | None = None  # when the handler checks another than the route's
    actor: Callable[[Caller], bool] | None = None  # who the act belongs to (an observer…)
    # Instead of the subtree rule, when the endpoint has its own (an inbox: its holders and the
    # offices above); `fit_roles` then names the roles of a caller it lets through.
    rule: Callable[[World, Caller], bool] | None = None
    fit_roles: Sequence[str] = ()


@dataclass(frozen=True)
class Probe:
    """One endpoint (`route` as in the OpenAPI document, e.g. "GET /v1/meetings/{meeting_id}").

    `call(world, node)` builds a request aimed at `node` (a node holding what the endpoint
    needs: `holds`, else any node). For list endpoints `row_org(item)` names each item's
    organisation and `items(body)` finds the items; each must be one the caller may see.
    """

    route: str
    call: Callable[[World, str], Call]
    holds: str | None = None
    row_org: Callable[[dict[str, Any]], str] | None = None
    items: Callable[[Any], list[dict[str, Any]]] = lambda body: (
        body["items"] if isinstance(body, dict) else body
    )
    # Instead of the subtree rule for rows, when the endpoint has its own (an inbox).
    visible: Callable[[World, Caller, dict[str, Any]], bool] | None = None


def protected_routes(app: FastAPI, public: Iterable[str] = ()) -> set[str]:
    skip = {"/healthz/live", "/healthz/ready", "/metrics", *public}
    return {
        f"{method.upper()} {path}"
        for path, operations in app.openapi()["paths"].items()
        if path not in skip
        for method in operations
    }


def check_coverage(app: FastAPI, probes: Sequence[Probe], public: Iterable[str] = ()) -> None:
    routes = protected_routes(app, public)
    missing = routes - {p.route for p in probes}
    assert not missing, f"endpoints without a probe: {sorted(missing)}"
    table: Permissions = app.state.permissions
    unlisted = routes - set(table.routes)
    assert not unlisted, f"endpoints without a permission: {sorted(unlisted)}"


def grant_at(world: World, role: str, node: str) -> Grant:
    return Grant(role, node, province=node == world.root)


def random_caller(
    world: World,
    rng: random.Random,
    member_of: Callable[[tuple[Grant, ...]], str | None] = lambda _: None,
    roles: Sequence[str] = tuple(AccessRole),
) -> Caller:
    """One or two grants: a random role at a random node (a branch for the branch roles)."""
    grants = []
    for _ in range(rng.randint(1, 2)):
        role = rng.choice(list(roles))
        nodes = world.branches if role in BRANCH_ROLES else world.nodes
        grants.append(grant_at(world, role, rng.choice(nodes)))
    held = tuple(dict.fromkeys(grants))
    return Caller(held, member_of(held))


def fitting_caller(
    world: World,
    table: Permissions,
    permission: str,
    targets: Sequence[str],
    rng: random.Random,
    member_of: Callable[[tuple[Grant, ...]], str | None] = lambda _: None,
    *,
    superior: bool = False,
    roles: Sequence[str] = (),
) -> Caller | None:
    """A caller whose one grant gives `permission` over every target (at a node holding them
    all; strictly above them for an act of the superior committee; one of `roles` if given);
    None when no role gives it, or only at nodes that cannot hold it."""
    if not targets or PROVINCE in targets:
        common = [world.root]
    else:
        chains = [[t, *world.ancestors(t)] for t in targets]
        common = [n for n in chains[0] if all(n in chain for chain in chains[1:])]
        if superior:
            common = [n for n in common if n not in targets]
    options: list[Grant] = []
    for role in sorted(roles or table.roles_with(permission)):
        for node in common:
            if role in BRANCH_ROLES and node not in world.branches:
                continue
            options.append(grant_at(world, role, node))
    if not options:
        return None
    held = (rng.choice(options),)
    return Caller(held, member_of(held))


def reaches(world: World, grant: Grant, target: str, *, strictly: bool = False) -> bool:
    if grant.province and not (strictly and grant.org == target):
        return True
    if target == PROVINCE:
        return False
    chain = [target, *world.ancestors(target)]
    return grant.org in chain and not (strictly and grant.org == target)


def allowed(world: World, table: Permissions, route: str, caller: Caller, call: Call) -> bool:
    """What the permission table and the tree say: every target under a grant giving the
    permission (strictly under for acts of the superior committee), and the actor's own act."""
    permission = call.permission or table.routes[route]
    route_permission = table.routes[route]
    givers = [g for g in caller.grants if permission in table.given_by(g.role)]
    if not any(route_permission in table.given_by(g.role) for g in caller.grants):
        return False
    if call.rule is not None:
        return call.rule(world, caller)
    if not all(any(reaches(world, g, t) for g in givers) for t in call.targets):
        return False
    if call.superior and not all(
        any(reaches(world, g, t, strictly=True) for g in givers) for t in call.targets
    ):
        return False
    return call.actor is None or call.actor(caller)


def sees(world: World, table: Permissions, route: str, caller: Caller, org: str) -> bool:
    permission = table.routes[route]
    return any(
        permission in table.given_by(g.role) and reaches(world, g, org) for g in caller.grants
    )


async def check_probe(
    client: httpx.AsyncClient,
    world: World,
    probe: Probe,
    rng: random.Random,
    *,
    table: Permissions,
    member_of: Callable[[tuple[Grant, ...]], str | None] = lambda _: None,
    users: int = 4,
    targets: int = 3,
) -> int:
    """Random callers against random targets for one endpoint, and one caller whose role fits;
    returns the requests made. Both sides of the property are exercised whatever the tree."""
    assert probe.route in table.routes, f"{probe.route} has no permission"
    candidates = world.holders(probe.holds) if probe.holds else world.nodes
    assert candidates, f"{probe.route}: the world holds no {probe.holds}"
    made, permitted = 0, 0
    callers = [random_caller(world, rng, member_of) for _ in range(users)]
    aim = rng.choice(candidates)
    first = probe.call(world, aim)
    fit = fitting_caller(
        world,
        table,
        first.permission or table.routes[probe.route],
        first.targets,
        rng,
        member_of,
        superior=first.superior,
        roles=first.fit_roles,
    )
    if fit is not None:
        callers.append(fit)
    for caller in callers:
        chosen = rng.sample(candidates, min(targets, len(candidates)))
        if caller is fit:
            chosen = [aim, *chosen]
        for node in chosen:
            call = probe.call(world, node)
            headers = {
                **caller.headers(),
                "Idempotency-Key": uuid.uuid4().hex,
                **call.headers,
            }
            r = await client.request(
                call.method,
                call.path,
                json=call.json,
                params=call.params,
                content=call.content,
                headers=headers,
            )
            made += 1
            ok = allowed(world, table, probe.route, caller, call)
            permitted += ok
            where = (
                f"{probe.route} as {caller} on {list(call.targets)}: {r.status_code} {r.text[:300]}"
            )
            assert r.status_code != 401, where
            if ok:
                assert r.status_code != 403, "refused though allowed: " + where
                assert r.status_code < 500, where
                if probe.row_org is not None and r.status_code == 200:
                    for item in probe.items(r.json()):
                        org = probe.row_org(item)
                        seen = (
                            probe.visible(world, caller, item)
                            if probe.visible is not None
                            else sees(world, table, probe.route, caller, org)
                        )
                        assert seen, f"row {org} not to be seen: {where}"
            else:
                assert r.status_code == 403, "allowed though not permitted: " + where
    # The caller whose role fits must have been let through: both sides were exercised.
    assert fit is None or permitted, f"{probe.route}: no permitted call was made (fit: {fit})"
    return made
