"""Subtree scope, property-based, on every endpoint of the registry: random trees, random callers
scoped to random nodes; allowed exactly when every target lies in the caller's subtree, and no
list shows an organisation from outside it.

The tree is seeded through the registry's own service layer, with three throw-away party groups
under each branch for the splits, merges and dissolutions. Writes are dated `LATER`: they really
happen, yet the tree of today — the one scope is judged on — stays the seeded one. Identity
administration needs a province-level admin, so its target is the province. Callers carry test
tokens (the property is about scope, not signing; real sign-in is tested in
test_registry_identity_api.py)."""

from __future__ import annotations

import asyncio
import random
import tempfile
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo_testing import templates
from chibo_testing.scope_property import (
    Call,
    Probe,
    World,
    check_coverage,
    check_probe,
    random_tree,
)
from chibo_testing.tokens import signed_client
from registry.identity.schemas import ClientIn, UserIn
from registry.identity.service import Identity, use_identity
from registry.identity.settings import IdentitySettings
from registry.main import MIGRATIONS, build_app
from registry.members import service as members
from registry.members.schemas import MemberIn
from registry.organisations import service as organisations
from registry.organisations.rules import PARENT_KINDS
from registry.organisations.schemas import OrganisationIn
from registry.permissions import PERMISSIONS
from registry.roles import service as roles
from registry.roles.schemas import ObserverIn, RoleIn
from registry.settings import RegistrySettings
from service_kit.runtime import ServiceRuntime
from service_kit.web.access import PROVINCE

pytestmark = pytest.mark.slow

# LATER: after today, inside the horizon a write may reach into the future (#19: 366 days).
FROM, LATER = date(2020, 1, 1), (date.today() + timedelta(days=200)).isoformat()
THROWAWAY = ("split", "merge", "dissolve")  # a party group per branch for each
PUBLIC = ("/v1/auth/token", "/.well-known/jwks.json", "/.well-known/chibo-revocations.json")
CHILD_KIND = {
    "province": "commune",
    "commune": "grassroots_branch",
    "grassroots_organisation": "affiliated_branch",
    "grassroots_branch": "party_group",
    "affiliated_branch": "party_group",
    "party_group": "party_group",  # nothing hangs under a party group: refused (422), in scope
}


def branch_detail(kind: str) -> dict[str, Any]:
    return {"branch_kind": "residential"} if kind.endswith("branch") else {}


def code() -> str:
    return uuid.uuid4().hex[:12]


def other_branch(w: World, branch: str) -> str:
    return next((b for b in w.branches if b != branch), branch)


def new_parent(w: World, node: str) -> str:
    """A node that `node` may move under (else its current parent: refused as unchanged)."""
    allowed = PARENT_KINDS[w.kind[node]]
    for candidate in w.nodes:
        if (
            w.kind[candidate] in allowed
            and candidate not in (node, w.parent[node])
            and node not in w.ancestors(candidate)
        ):
            return candidate
    return w.parent[node] or node


def three_branches(w: World, branch: str) -> list[str]:
    return [branch, *[b for b in w.branches if b != branch][:2]]


def child(w: World, n: str) -> Call:
    kind = CHILD_KIND[w.kind[n]]
    body = {"code": code(), "name": "Tổ chức mới", "kind": kind, "parent_id": n}
    return Call(
        "POST", "/v1/organisations", [n], {**body, "valid_from": LATER, **branch_detail(kind)}
    )


def elsewhere(w: World, leaf: str) -> str:
    """A branch other than the throw-away party group's own."""
    return other_branch(w, w.parent[leaf] or leaf)


def admission(branch: str, **extra: Any) -> dict[str, Any]:
    return {
        "full_name": "Đảng viên mới",
        "branch_id": branch,
        "status": "full",
        "admitted_on": "2015-05-19",
        "full_member_on": "2016-05-19",
        "joined_on": LATER,
        **extra,
    }


def role(w: World, n: str) -> Call:
    if w.kind[n].endswith("branch"):
        member, title = w.resource("member", n), "deputy_secretary"
    else:
        member, title = w.resource("member", w.branches[0]), "committee_member"
    body = {"member_id": member, "organisation_id": n, "role": title, "valid_from": LATER}
    return Call("POST", "/v1/role-assignments", [n], body)


def user(n: str) -> dict[str, Any]:
    return {
        "username": f"u{code()}",
        "display_name": "Cán bộ văn phòng",
        "password": "Mat-khau-van-phong-1",
        "staff_role": "Văn phòng",
        "organisation_id": n,
        "roles": ["officer"],
    }


IMPORT = "Mã tổ chức,Tên,Loại,Mã cấp trên,Ngày hiệu lực\nX1,Xã mới,đảng bộ xã/phường,T,01/01/2080\n"
ORGS = "/v1/organisations"


def listed(route: str, call: Callable[[World, str], Call]) -> Probe:
    """A list of organisations: each item's `id` must lie in the caller's subtree."""
    return Probe(route, call, row_org=lambda item: item["id"], items=lambda body: body["items"])


def read(route: str, path: str, holds: str | None = None) -> Probe:
    """`GET path` where `{}` is the target node."""
    return Probe(route, lambda w, n: Call("GET", path.format(n), [n]), holds)


READS = [
    listed(f"GET {ORGS}", lambda w, n: Call("GET", ORGS, [])),
    listed(
        "GET /v1/organisation-history",
        lambda w, n: Call("GET", "/v1/organisation-history", [], params={"limit": 5}),
    ),
    listed(f"GET {ORGS}", lambda w, n: Call("GET", ORGS, [n], params={"parent_id": n})),
    listed(
        f"GET {ORGS}/{{organisation_id}}/subtree",
        lambda w, n: Call("GET", f"{ORGS}/{n}/subtree", [n]),
    ),
    read(f"GET {ORGS}/{{organisation_id}}", f"{ORGS}/{{}}"),
    read(f"GET {ORGS}/{{organisation_id}}/ancestors", f"{ORGS}/{{}}/ancestors"),
    read(f"GET {ORGS}/{{organisation_id}}/roles", f"{ORGS}/{{}}/roles"),
    read(f"GET {ORGS}/{{organisation_id}}/go-live", f"{ORGS}/{{}}/go-live"),
    read(f"GET {ORGS}/{{branch_id}}/roster", f"{ORGS}/{{}}/roster", "branch"),
    read(f"GET {ORGS}/{{branch_id}}/observers", f"{ORGS}/{{}}/observers", "branch"),
    read(f"GET {ORGS}/{{branch_id}}/rotation-clusters", f"{ORGS}/{{}}/rotation-clusters", "branch"),
    read(f"GET {ORGS}/{{branch_id}}/households", f"{ORGS}/{{}}/households", "branch"),
    Probe(
        "GET /v1/members/{member_id}",
        lambda w, b: Call("GET", f"/v1/members/{w.resource('member', b)}", [b]),
        "member",
    ),
]

CREATES = [
    Probe(f"POST {ORGS}", child),
    Probe(
        f"POST {ORGS}",
        lambda w, n: Call(
            "POST",
            ORGS,
            [PROVINCE],  # a new root
            {"code": code(), "name": "Tỉnh mới", "kind": "province", "valid_from": LATER},
        ),
    ),
    Probe(
        "POST /v1/members", lambda w, b: Call("POST", "/v1/members", [b], admission(b)), "branch"
    ),
    Probe(
        "POST /v1/members",
        lambda w, b: Call(
            "POST",
            "/v1/members",
            [b, other_branch(w, b)],
            admission(b, residence_branch_id=other_branch(w, b)),
        ),
        "branch",
    ),
    Probe("POST /v1/role-assignments", role),
    Probe(
        "POST /v1/observer-assignments",
        lambda w, b: Call(
            "POST",
            "/v1/observer-assignments",
            [b],
            {"member_id": w.resource("member", w.branches[0]), "branch_id": b, "valid_from": LATER},
        ),
        "branch",
    ),
    Probe(
        "POST /v1/rotation-clusters",
        lambda w, b: Call(
            "POST",
            "/v1/rotation-clusters",
            three_branches(w, b),
            {
                "code": code(),
                "name": "Cụm luân phiên",
                "branch_ids": three_branches(w, b),
                "valid_from": LATER,
            },
        ),
        "branch",
    ),
    Probe(
        "POST /v1/household-responsibilities",
        lambda w, b: Call(
            "POST",
            "/v1/household-responsibilities",
            [b],
            {
                "member_id": w.resource("member", b),
                "branch_id": b,
                "household_codes": [code()],
                "valid_from": LATER,
            },
        ),
        "member",
    ),
]

CHANGES = [
    Probe(
        f"POST {ORGS}/{{organisation_id}}/go-live",
        lambda w, n: Call("POST", f"{ORGS}/{n}/go-live", [n], {"go_live_on": LATER}),
    ),
    Probe(
        "POST /v1/go-live-plans",
        lambda w, n: Call(
            "POST",
            "/v1/go-live-plans",
            [n, new_parent(w, n)],
            {
                "items": [
                    {"organisation_id": n, "go_live_on": LATER},
                    {"organisation_id": new_parent(w, n), "go_live_on": None},
                ]
            },
        ),
    ),
    Probe(
        f"POST {ORGS}/{{organisation_id}}/rename",
        lambda w, n: Call("POST", f"{ORGS}/{n}/rename", [n], {"name": "Tên mới", "on": LATER}),
    ),
    Probe(
        f"POST {ORGS}/{{organisation_id}}/move",
        lambda w, n: Call(
            "POST",
            f"{ORGS}/{n}/move",
            [n, new_parent(w, n)],
            {"parent_id": new_parent(w, n), "on": LATER},
        ),
    ),
    Probe(
        "POST /v1/members/{member_id}/status",
        lambda w, b: Call(
            "POST",
            f"/v1/members/{w.resource('member', b)}/status",
            [b],
            {"status": "exempt", "on": LATER, "reason": "Tuổi cao"},
        ),
        "member",
    ),
    Probe(
        "POST /v1/members/{member_id}/transfer",
        lambda w, b: Call(
            "POST",
            f"/v1/members/{w.resource('member', b)}/transfer",
            [b, other_branch(w, b)],
            {"branch_id": other_branch(w, b), "on": LATER},
        ),
        "member",
    ),
]

# Last: ending roles, then the throw-away party groups (each goes the first time it is allowed).
ENDINGS = [
    Probe(
        "POST /v1/role-assignments/{role_assignment_id}/end",
        lambda w, n: Call(
            "POST", f"/v1/role-assignments/{w.resource('role', n)}/end", [n], {"on": LATER}
        ),
        "role",
    ),
    Probe(
        "POST /v1/observer-assignments/{observer_assignment_id}/end",
        lambda w, b: Call(
            "POST", f"/v1/observer-assignments/{w.resource('observer', b)}/end", [b], {"on": LATER}
        ),
        "observer",
    ),
    Probe(
        f"POST {ORGS}/{{organisation_id}}/split",
        lambda w, g: Call(
            "POST",
            f"{ORGS}/{g}/split",
            [g],
            {
                "on": LATER,
                "parts": [{"code": code(), "name": "Tổ 1"}, {"code": code(), "name": "Tổ 2"}],
            },
        ),
        "split",
    ),
    Probe(
        f"POST {ORGS}/merges",
        lambda w, g: Call(
            "POST",
            f"{ORGS}/merges",
            [g, elsewhere(w, g)],
            {"source_ids": [g], "into_id": elsewhere(w, g), "on": LATER},
        ),
        "merge",
    ),
    Probe(
        f"POST {ORGS}/{{organisation_id}}/dissolve",
        lambda w, g: Call(
            "POST",
            f"{ORGS}/{g}/dissolve",
            [g, elsewhere(w, g)],  # where its members would go is a target too
            {"on": LATER, "members_to_id": elsewhere(w, g)},
        ),
        "dissolve",
    ),
]

# Province-level: imports, keys, clients; identity administration needs a province admin.
PROVINCE_LEVEL = [
    Probe(
        "POST /v1/imports/{kind}",
        lambda w, n: Call(
            "POST",
            "/v1/imports/organisations",
            [PROVINCE],
            params={"dry_run": "true"},
            content=IMPORT.encode(),
            headers={"Content-Type": "text/csv"},
        ),
    ),
    Probe("GET /v1/auth/me", lambda w, n: Call("GET", "/v1/auth/me", [])),  # any valid token
    Probe("GET /v1/auth/keys", lambda w, n: Call("GET", "/v1/auth/keys", [PROVINCE])),
    Probe("GET /v1/audit-entries", lambda w, n: Call("GET", "/v1/audit-entries", [PROVINCE])),
    Probe(
        "POST /v1/auth/keys/rotate", lambda w, n: Call("POST", "/v1/auth/keys/rotate", [PROVINCE])
    ),
    Probe(
        "POST /v1/clients",
        lambda w, n: Call(
            "POST",
            "/v1/clients",
            [PROVINCE],
            {"name": "Sở", "kind": "agency", "organisation_id": n, "roles": ["reader"]},
        ),
    ),
    Probe(
        "GET /v1/clients/{client_id}",
        lambda w, n: Call("GET", f"/v1/clients/{w.resource('client', w.root)}", [PROVINCE]),
    ),
    Probe("POST /v1/users", lambda w, n: Call("POST", "/v1/users", [n, PROVINCE], user(n))),
    Probe(
        "GET /v1/users/{user_id}",
        lambda w, n: Call("GET", f"/v1/users/{w.resource('user', n)}", [n, PROVINCE]),
        "user",
    ),
    Probe(
        "POST /v1/users/{user_id}/password",
        lambda w, n: Call(
            "POST",
            f"/v1/users/{w.resource('user', n)}/password",
            [n, PROVINCE],
            {"password": "Mat-khau-moi-so-2"},
        ),
        "user",
    ),
    Probe(
        "POST /v1/users/{user_id}/status",
        lambda w, n: Call(
            "POST",
            f"/v1/users/{w.resource('user', n)}/status",
            [n, PROVINCE],
            {"disabled": False, "reason": "Kiểm tra quyền"},
        ),
        "user",
    ),
]

PROBES = READS + CREATES + CHANGES + ENDINGS + PROVINCE_LEVEL


async def seed_tree(runtime: ServiceRuntime, tree: World) -> World:
    """The random tree and the throw-away party groups, registered through the service layer;
    the world in the registry's ids."""
    w = World({}, {})
    throwaway: dict[str, dict[str, str]] = {use: {} for use in THROWAWAY}
    async with runtime.uow() as uow:

        async def add(name: str, kind: str, parent: str | None) -> str:
            body = {"code": name, "name": name, "kind": kind, "parent_id": parent}
            org = OrganisationIn(**body, valid_from=FROM, **branch_detail(kind))
            node = (await organisations.register(uow, org)).id
            w.parent[node], w.kind[node] = parent, kind
            return node

        ids: dict[str, str] = {}
        for name, parent in tree.parent.items():
            ids[name] = await add(name, tree.kind[name], ids[parent] if parent else None)
            if name in tree.branches:
                for use in THROWAWAY:
                    group = await add(f"{name}-{use}", "party_group", ids[name])
                    throwaway[use][group] = group
        await uow.commit()
    w.resources = dict(throwaway)
    return w


async def seed_resources(runtime: ServiceRuntime, identity: Identity, w: World) -> None:
    """A member, an observer and a role per branch, a committee role and a user per node, an
    agency client."""
    member, role, observer, user_of = {}, {}, {}, {}
    async with runtime.uow() as uow:
        for b in w.branches:
            body = MemberIn(**admission(b, joined_on=FROM))
            member[b] = (await members.admit(uow, body)).id
        upper = member[w.branches[0]]  # sits on every committee above the branches
        for n in w.nodes:
            is_branch = w.kind[n].endswith("branch")
            body = RoleIn(
                member_id=member[n] if is_branch else upper,
                organisation_id=n,
                role="secretary" if is_branch else "committee_member",
                valid_from=FROM,
            )
            role[n] = (await roles.assign_role(uow, body)).id
            created = await identity.create_user(uow, UserIn(**user(n)), "test:seed")
            user_of[n] = created.id
        for b in w.branches:
            body = ObserverIn(member_id=upper, branch_id=b, valid_from=date(2021, 1, 1))
            observer[b] = (await roles.assign_observer(uow, body)).id
        agency = ClientIn(name="Sở", kind="agency", organisation_id=w.root, roles=["reader"])
        client = await identity.create_client(uow, agency, "test:seed")
        await uow.commit()
    w.resources |= {"branch": {b: b for b in w.branches}, "member": member, "role": role}
    w.resources |= {"observer": observer, "user": user_of, "client": {w.root: client.client_id}}


async def scenario(rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/r.db"
        await asyncio.to_thread(templates.restore, url, MIGRATIONS)
        app = build_app(
            RegistrySettings(database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:1/")  # type: ignore[arg-type]
        )
        runtime = app.state.runtime
        cheap = IdentitySettings(argon2_time_cost=1, argon2_memory_kib=8192)
        identity = Identity(runtime, cheap)
        use_identity(app, identity)
        try:
            world = await seed_tree(runtime, random_tree(rng))
            await seed_resources(runtime, identity, world)
            check_coverage(app, PROBES, public=PUBLIC)
            async with signed_client(app, "http://registry", headers={}) as client:
                for probe in PROBES:
                    await check_probe(client, world, probe, rng, table=PERMISSIONS)
                assert (await client.get(ORGS)).status_code == 401  # no token at all
                assert (await client.get("/.well-known/jwks.json")).status_code == 200
        finally:
            await runtime.db.dispose()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_scope_is_exactly_the_subtree(rng: random.Random) -> None:
    asyncio.run(scenario(rng))
