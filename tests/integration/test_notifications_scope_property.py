"""Subtree scope, property-based, on every endpoint of the notifications service: random trees,
random callers scoped to random nodes; allowed exactly when the target lies in the caller's
subtree (rule sets, agencies and agency or member addresses: the province only), and no list
shows a row from outside it."""

from __future__ import annotations

import asyncio
import random
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notifications_registry import Registry, running_registry
from notifications_servers import PUBLIC_NAMES

from chibo_testing import templates
from chibo_testing.scope_property import (
    Call,
    Caller,
    Probe,
    World,
    check_coverage,
    check_probe,
    random_tree,
    reaches,
    seed_replica,
)
from chibo_testing.tokens import signed_client
from notifications.deliveries.models import Delivery
from notifications.inbox.service import record
from notifications.main import MIGRATIONS, build_app
from notifications.permissions import PERMISSIONS
from notifications.rules.defaults import DEFAULT_RULES
from notifications.settings import NotificationsSettings
from service_kit.grants import AccessRole, Grant
from service_kit.ids import new_id
from service_kit.web.access import PROVINCE

pytestmark = pytest.mark.slow

FROM = date(2020, 1, 1)
AGENCY = "agency:ubkt-tinh"  # province-level rows every list holds too
MEMBER = "member:uv-tinh"


def secretary(node: str) -> str:
    return f"branch-secretary:{node}"


def owner(address: str) -> str:
    """Whose row it is, as the test sees it: the organisation after the role, or the province."""
    role, _, value = address.partition(":")
    return PROVINCE if role in ("agency", "member") else value


def recipient_org(item: dict[str, Any]) -> str:
    return owner(item["recipient"])


def address_org(item: dict[str, Any]) -> str:
    return owner(item["address"])


RULE_SET = {**DEFAULT_RULES.model_dump(mode="json"), "based_on_version": 0}  # 409 once published


def _agency(w: World, n: str) -> dict[str, Any]:
    return {
        "name": f"co-quan-{n}",
        "client_id": w.resource("province", "agency-client"),  # registered once, then 409
        "channel": "amqp",
        "patterns": ["meetings.request.#"],
        "organisation_ids": [n],
    }


SECRETARIES = (AccessRole.SECRETARY, AccessRole.DEPUTY_SECRETARY)


def holds(node: str) -> Callable[[World, Caller], bool]:
    """The inbox's own people: the branch's secretary and deputies (not its other members)."""
    return lambda w, caller: any(g.role in SECRETARIES and g.org == node for g in caller.grants)


def member_holds(w: World, caller: Caller) -> bool:
    return f"member:{caller.member_id}" == MEMBER


def holds_or_oversees(node: str) -> Callable[[World, Caller], bool]:
    """Its own people, and the offices above with `inbox.oversee`."""
    oversee = PERMISSIONS.roles_with("inbox.oversee")
    return lambda w, caller: (
        holds(node)(w, caller)
        or any(g.role in oversee and reaches(w, g, node) for g in caller.grants)
    )


def member_or_overseer(w: World, caller: Caller) -> bool:
    oversee = PERMISSIONS.roles_with("inbox.oversee")
    return member_holds(w, caller) or any(g.role in oversee and g.province for g in caller.grants)


def member_of(grants: tuple[Grant, ...]) -> str | None:
    """A caller holding a member's grant is, here, the province's member (MEMBER's inbox)."""
    return MEMBER.partition(":")[2] if any(g.role == AccessRole.MEMBER for g in grants) else None


def inbox_row(w: World, caller: Caller, item: dict[str, Any]) -> bool:
    """A notification is seen by the people it is addressed to and the offices above."""
    address = item["recipient"]
    if address == MEMBER:
        return member_or_overseer(w, caller)
    return holds_or_oversees(owner(address))(w, caller)


PROBES = [
    Probe(
        "GET /v1/notifications",
        lambda w, n: Call("GET", "/v1/notifications", [], params={"limit": 200}),
        row_org=recipient_org,
        visible=inbox_row,
    ),
    Probe(
        "GET /v1/notifications",
        lambda w, n: Call(
            "GET",
            "/v1/notifications",
            [n],
            params={"recipient": secretary(n)},
            rule=holds_or_oversees(n),
        ),
        row_org=recipient_org,
        visible=inbox_row,
    ),
    Probe(
        "GET /v1/notifications",
        lambda w, n: Call(
            "GET",
            "/v1/notifications",
            [PROVINCE],
            params={"recipient": MEMBER},
            rule=member_or_overseer,
        ),
        row_org=recipient_org,
        visible=inbox_row,
    ),
    Probe(
        "GET /v1/notifications/unread-count",
        lambda w, n: Call(
            "GET",
            "/v1/notifications/unread-count",
            [n],
            params={"recipient": secretary(n)},
            rule=holds_or_oversees(n),
        ),
    ),
    Probe(
        "POST /v1/notifications/{notification_id}/read",
        lambda w, n: Call(
            "POST",
            f"/v1/notifications/{w.resource('notification', n)}/read",
            [n],
            rule=holds(n),
            fit_roles=SECRETARIES,
        ),
        "notification",
    ),
    Probe(
        "POST /v1/notifications/{notification_id}/read",
        lambda w, n: Call(
            "POST",
            f"/v1/notifications/{w.resource('province', MEMBER)}/read",
            [PROVINCE],
            rule=member_holds,
            fit_roles=(AccessRole.MEMBER,),  # none at the province: random callers only
        ),
    ),
    Probe(
        "POST /v1/notifications/read",
        lambda w, n: Call(
            "POST",
            "/v1/notifications/read",
            [n],
            params={"recipient": secretary(n)},
            rule=holds(n),
            fit_roles=SECRETARIES,
        ),
        "branch",
    ),
    Probe("GET /v1/rules", lambda w, n: Call("GET", "/v1/rules", [PROVINCE])),
    Probe("GET /v1/rules/versions", lambda w, n: Call("GET", "/v1/rules/versions", [PROVINCE])),
    Probe(
        "GET /v1/rules/versions/{version}",
        lambda w, n: Call("GET", "/v1/rules/versions/0", [PROVINCE]),
    ),
    Probe(
        "POST /v1/rules/versions",
        lambda w, n: Call("POST", "/v1/rules/versions", [PROVINCE], RULE_SET),
    ),
    Probe(
        "POST /v1/contact-points",
        lambda w, n: Call(
            "POST",
            "/v1/contact-points",
            [n],
            {"address": f"committee:{n}", "channel": "email", "target": f"vp.{n}@example.vn"},
        ),
    ),
    Probe(
        "POST /v1/contact-points",
        lambda w, n: Call(
            "POST",
            "/v1/contact-points",
            [PROVINCE],
            {"address": f"agency:{n}", "channel": "email", "target": f"cq.{n}@example.vn"},
        ),
    ),
    Probe(
        "GET /v1/contact-points",
        lambda w, n: Call("GET", "/v1/contact-points", [], params={"limit": 200}),
        row_org=address_org,
    ),
    Probe(
        "GET /v1/contact-points",
        lambda w, n: Call("GET", "/v1/contact-points", [n], params={"address": secretary(n)}),
        row_org=address_org,
    ),
    Probe(
        "PATCH /v1/contact-points/{contact_point_id}",
        lambda w, n: Call(
            "PATCH", f"/v1/contact-points/{w.resource('contact_point', n)}", [n], {"active": True}
        ),
        "contact_point",
    ),
    Probe(
        "POST /v1/contact-points/{contact_point_id}/secret-rotations",
        lambda w, n: Call(
            "POST", f"/v1/contact-points/{w.resource('webhook', n)}/secret-rotations", [n], {}
        ),
        "webhook",
    ),
    Probe(
        "POST /v1/contact-points/{contact_point_id}/secret-rotations",
        lambda w, n: Call(
            "POST",
            f"/v1/contact-points/{w.resource('province', AGENCY)}/secret-rotations",
            [PROVINCE],
            {},
        ),
    ),
    Probe(
        "GET /v1/deliveries",
        lambda w, n: Call("GET", "/v1/deliveries", [], params={"limit": 200}),
        row_org=recipient_org,
    ),
    Probe(
        "GET /v1/deliveries",
        lambda w, n: Call("GET", "/v1/deliveries", [n], params={"recipient": secretary(n)}),
        row_org=recipient_org,
    ),
    Probe(
        "GET /v1/deliveries",
        lambda w, n: Call(
            "GET",
            "/v1/deliveries",
            [n],
            params={"contact_point_id": w.resource("contact_point", n)},
        ),
        "contact_point",
        row_org=recipient_org,
    ),
    Probe(
        "GET /v1/deliveries/{delivery_id}",
        lambda w, n: Call("GET", f"/v1/deliveries/{w.resource('delivery', n)}", [n]),
        "delivery",
    ),
    Probe(
        "POST /v1/deliveries/{delivery_id}/replay",
        lambda w, n: Call("POST", f"/v1/deliveries/{w.resource('delivery', n)}/replay", [n]),
        "delivery",
    ),
    Probe(
        "POST /v1/deliveries/replays",
        lambda w, n: Call("POST", "/v1/deliveries/replays", [], {}),  # the caller's own only
    ),
    Probe(
        "POST /v1/deliveries/replays",
        lambda w, n: Call(
            "POST",
            "/v1/deliveries/replays",
            [n],
            {"contact_point_id": w.resource("contact_point", n)},
        ),
        "contact_point",
    ),
    Probe(
        "GET /v1/organisations/{organisation_id}/reminders-dry-run",
        lambda w, n: Call(
            "GET", f"/v1/organisations/{n}/reminders-dry-run", [n], params={"as_of": "2026-12-01"}
        ),
    ),
    Probe(
        "POST /v1/agencies", lambda w, n: Call("POST", "/v1/agencies", [PROVINCE], _agency(w, n))
    ),
    Probe("GET /v1/agencies", lambda w, n: Call("GET", "/v1/agencies", [PROVINCE])),
    # An agency's own feed: its role anywhere lets it in (a caller that is no registered agency
    # client then gets 404); everyone else is refused. What the feed holds is filtered by the
    # agency's registered subtrees (tests/integration/test_agency_feed.py).
    Probe("GET /v1/agency-feed", lambda w, n: Call("GET", "/v1/agency-feed", [])),
]
# The event contract's documents are public (no token): JSON Schemas and AsyncAPI.
PUBLIC_ROUTES = ["/schemas/events/asyncapi.json", "/schemas/events/{file}"]


async def _seed_tree(app: FastAPI, world: World) -> None:
    async with app.state.runtime.uow() as uow:
        await seed_replica(uow.session, world, FROM)
        await uow.commit()


async def _seed_notifications(app: FastAPI, addresses: list[str]) -> dict[str, str]:
    runtime = app.state.runtime
    async with runtime.uow() as uow:
        for address in addresses:
            await record(
                uow,
                event_id=f"ev-{address}",
                event_type="vn.chibo.meetings.meeting.missed.v1",
                recipient=address,
                subject="Chưa sinh hoạt",
                body="Chi bộ chưa sinh hoạt kỳ này.",
                urgent=False,
                rule_set_version=0,
            )
        await uow.commit()
    async with signed_client(app, "http://notifications") as client:
        items = (await client.get("/v1/notifications", params={"limit": 200})).json()["items"]
    return {item["recipient"]: item["id"] for item in items}


async def _contact(client: Any, address: str, channel: str, target: str) -> str:
    r = await client.post(
        "/v1/contact-points", json={"address": address, "channel": channel, "target": target}
    )
    assert r.status_code == 201, r.text
    contact_id: str = r.json()["id"]
    return contact_id


async def _seed_contacts(app: FastAPI, world: World) -> None:
    mails, hooks = world.resources["contact_point"], world.resources["webhook"]
    async with signed_client(app, "http://notifications") as client:
        for node in world.nodes:
            mails[node] = await _contact(client, secretary(node), "email", f"bt.{node}@example.vn")
            hooks[node] = await _contact(
                client, secretary(node), "webhook", f"https://hooks.example.org/{node}"
            )
        world.resources["province"][AGENCY] = await _contact(
            client, AGENCY, "webhook", "https://ubkt.example.org/h"
        )


async def _seed_deliveries(app: FastAPI, world: World) -> None:
    """Failed deliveries (replayable) to every node's secretary and to the agency."""
    targets = {secretary(n): world.resource("contact_point", n) for n in world.nodes}
    targets[AGENCY] = world.resource("province", AGENCY)
    ids = {address: new_id() for address in targets}
    async with app.state.runtime.uow() as uow:
        for address, contact_id in targets.items():
            uow.session.add(
                Delivery(
                    id=ids[address],
                    event_id=f"ev-{address}",
                    event_type="vn.chibo.meetings.meeting.missed.v1",
                    recipient=address,
                    channel="webhook" if address == AGENCY else "email",
                    urgency="routine",
                    rule_id="missed",
                    rule_set_version=0,
                    contact_point_id=contact_id,
                    body="{}",
                    status="failed",
                )
            )
        await uow.commit()
    world.resources["delivery"] = {n: ids[secretary(n)] for n in world.nodes}


async def seed(app: FastAPI, world: World, registry: Registry) -> None:
    await _seed_tree(app, world)
    notes = await _seed_notifications(app, [*map(secretary, world.nodes), MEMBER])
    world.resources = {
        "notification": {n: notes[secretary(n)] for n in world.nodes},
        "branch": {b: b for b in world.branches},
        "contact_point": {},
        "webhook": {},
        # Province-level resources, by address (never a probe's `holds`: they sit on no node).
        "province": {MEMBER: notes[MEMBER], "agency-client": await registry.app_client("Sở")},
    }
    await _seed_contacts(app, world)
    await _seed_deliveries(app, world)


async def scenario(rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/n.db"
        await asyncio.to_thread(templates.restore, url, MIGRATIONS)
        async with running_registry(Path(tmp)) as registry:  # agency client ids are checked
            app = build_app(
                NotificationsSettings(database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:1/"),
                registry=registry.client(),
                resolver=PUBLIC_NAMES,
            )
            try:
                world = random_tree(rng)
                await seed(app, world, registry)
                check_coverage(app, PROBES, public=PUBLIC_ROUTES)
                async with signed_client(app, "http://notifications", headers={}) as client:
                    for probe in PROBES:
                        await check_probe(
                            client, world, probe, rng, table=PERMISSIONS, member_of=member_of
                        )
                    r = await client.get("/v1/notifications")
                    assert r.status_code == 401, r.text  # no token at all
            finally:
                await app.state.runtime.db.dispose()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_scope_is_exactly_the_subtree(rng: random.Random) -> None:
    asyncio.run(scenario(rng))
