"""The subtree-scope property, for any service: random trees, random users scoped to random nodes,
every protected endpoint — allowed exactly when every target lies inside the caller's subtree,
and lists never contain a foreign row.

A service's test supplies a `World` (the random tree, already seeded into the service, with a
resource of each kind under the nodes it chose) and one `Probe` per endpoint. `check_coverage`
fails when an endpoint of the app has no probe, so a new endpoint cannot skip the property.
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

from chibo_testing.tokens import bearer
from event_contracts.events.registry import OrganisationRegistered
from event_contracts.vocabulary import BRANCH_KINDS
from org_tree.replica import apply_registered
from service_kit.web.access import PROVINCE


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

    def within(self, target: str, scope: str) -> bool:
        if scope == self.root:
            return True  # the province reaches everything, province-level resources too
        if target == PROVINCE:
            return False
        return target == scope or scope in self.ancestors(target)

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
class Call:
    """One request a probe makes, and the organisations it targets (all must be in scope)."""

    method: str
    path: str
    targets: Sequence[str]
    json: Any = None
    params: dict[str, Any] | None = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    superior: bool = False  # an act of the superior committee: never on the caller's own node


@dataclass(frozen=True)
class Probe:
    """One endpoint (`route` as in the OpenAPI document, e.g. "GET /v1/meetings/{meeting_id}").

    `call(world, node)` builds a request aimed at `node` (a node holding what the endpoint
    needs: `holds`, else any node). For list endpoints `row_org(item)` names each item's
    organisation and `items(body)` finds the items; each must lie in the caller's subtree.
    """

    route: str
    call: Callable[[World, str], Call]
    holds: str | None = None
    row_org: Callable[[dict[str, Any]], str] | None = None
    items: Callable[[Any], list[dict[str, Any]]] = lambda body: (
        body["items"] if isinstance(body, dict) else body
    )


def protected_routes(app: FastAPI, public: Iterable[str] = ()) -> set[str]:
    skip = {"/healthz/live", "/healthz/ready", "/metrics", *public}
    return {
        f"{method.upper()} {path}"
        for path, operations in app.openapi()["paths"].items()
        if path not in skip
        for method in operations
    }


def check_coverage(app: FastAPI, probes: Sequence[Probe], public: Iterable[str] = ()) -> None:
    missing = protected_routes(app, public) - {p.route for p in probes}
    assert not missing, f"endpoints without a scope probe: {sorted(missing)}"


async def check_probe(
    client: httpx.AsyncClient,
    world: World,
    probe: Probe,
    rng: random.Random,
    *,
    users: int = 4,
    targets: int = 3,
) -> int:
    """Random callers against random targets for one endpoint; returns the requests made.

    Each caller is tried on a target inside their subtree and on random others, so both sides
    of the property are exercised whatever the tree looks like."""
    candidates = world.holders(probe.holds) if probe.holds else world.nodes
    assert candidates, f"{probe.route}: the world holds no {probe.holds}"
    made = 0
    for scope in rng.sample(world.nodes, min(users, len(world.nodes))):
        inside = [n for n in candidates if world.within(n, scope)]
        chosen = rng.sample(candidates, min(targets, len(candidates)))
        if inside:
            chosen.append(rng.choice(inside))
        for node in chosen:
            call = probe.call(world, node)
            headers = {
                **bearer(scope, world.kind[scope]),
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
            allowed = all(world.within(t, scope) for t in call.targets)
            if call.superior and scope != world.root and scope in call.targets:
                allowed = False
            where = (
                f"{probe.route} as {scope} on {list(call.targets)}: {r.status_code} {r.text[:300]}"
            )
            assert r.status_code != 401, where
            if allowed:
                assert r.status_code != 403, "refused inside the subtree: " + where
                assert r.status_code < 500, where
                if probe.row_org is not None and r.status_code == 200:
                    for item in probe.items(r.json()):
                        org = probe.row_org(item)
                        assert world.within(org, scope), f"foreign row {org}: {where}"
            else:
                assert r.status_code == 403, "allowed outside the subtree: " + where
    return made
