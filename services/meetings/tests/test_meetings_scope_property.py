"""Subtree scope, property-based, on every endpoint of the meetings service: random trees, random
callers scoped to random nodes; allowed exactly when the target lies in the caller's subtree, and
no list shows a row from outside it."""

from __future__ import annotations

import asyncio
import random
import tempfile
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from meetings_factories import request, submission

from chibo_testing import templates
from chibo_testing.scope_property import (
    Call,
    Probe,
    World,
    check_coverage,
    check_probe,
    random_tree,
    seed_replica,
)
from chibo_testing.tokens import signed_client
from event_contracts.events.registry import ObserverAssigned
from meetings.main import MIGRATIONS, build_app
from meetings.permissions import PERMISSIONS
from meetings.settings import MeetingsSettings
from org_tree.observers import apply_observer_assigned
from service_kit.grants import Grant

pytestmark = pytest.mark.slow

FROM = date(2020, 1, 1)


def _submission(branch: str) -> dict:  # type: ignore[type-arg]
    return submission(branch_id=branch, requests_raised=[request(addressee_id=branch)])


PROBES = [
    Probe(
        "POST /v1/meetings",
        lambda w, b: Call("POST", "/v1/meetings", [b], _submission(b)),
        "branch",
    ),
    Probe(
        "GET /v1/meetings",
        lambda w, n: Call("GET", "/v1/meetings", []),
        row_org=lambda item: item["branch_id"],
    ),
    Probe(
        "GET /v1/meetings",
        lambda w, n: Call("GET", "/v1/meetings", [n], params={"organisation_id": n}),
        row_org=lambda item: item["branch_id"],
    ),
    Probe(
        "GET /v1/meetings/{meeting_id}",
        lambda w, b: Call("GET", f"/v1/meetings/{w.resource('meeting', b)}", [b]),
        "meeting",
    ),
    Probe(
        "POST /v1/meetings/{meeting_id}/amendments",
        lambda w, b: Call(
            "POST",
            f"/v1/meetings/{w.resource('meeting', b)}/amendments",
            [b],
            {"reason": "Sửa số liệu điểm danh", "record": submission(branch_id=b)},
        ),
        "meeting",
    ),
    Probe(
        "GET /v1/meetings/{meeting_id}/revisions",
        lambda w, b: Call("GET", f"/v1/meetings/{w.resource('meeting', b)}/revisions", [b]),
        "meeting",
    ),
    Probe(
        "POST /v1/meeting-drafts",
        lambda w, b: Call("POST", "/v1/meeting-drafts", [b], {"branch_id": b, "body": {}}),
        "branch",
    ),
    Probe(
        "GET /v1/meeting-drafts/{draft_id}",
        lambda w, b: Call("GET", f"/v1/meeting-drafts/{w.resource('draft', b)}", [b]),
        "draft",
    ),
    Probe(
        # Saving a draft of branch B under branch B: the draft's branch and the body's, both B.
        "PUT /v1/meeting-drafts/{draft_id}",
        lambda w, b: Call(
            "PUT", f"/v1/meeting-drafts/{w.resource('draft', b)}", [b], {"branch_id": b, "body": {}}
        ),
        "draft",
    ),
    Probe(
        # Moving a draft to another branch: 403 unless both are in scope, then 422 (a draft
        # keeps its branch) — so the world stays as seeded.
        "PUT /v1/meeting-drafts/{draft_id}",
        lambda w, b: Call(
            "PUT",
            f"/v1/meeting-drafts/{w.resource('draft', b)}",
            [b, w.branches[0]],
            {"branch_id": w.branches[0], "body": {}},
        ),
        "draft",
    ),
    Probe(
        "POST /v1/meeting-drafts/{draft_id}/submission",
        lambda w, b: Call("POST", f"/v1/meeting-drafts/{w.resource('draft', b)}/submission", [b]),
        "draft",
    ),
    Probe(
        "GET /v1/branches/{branch_id}/next-meeting",
        lambda w, b: Call("GET", f"/v1/branches/{b}/next-meeting", [b]),
        "branch",
    ),
    Probe(
        "GET /v1/requests",
        lambda w, n: Call("GET", "/v1/requests", []),
        row_org=lambda item: item["branch_id"],
    ),
    Probe(
        "GET /v1/requests",
        lambda w, n: Call("GET", "/v1/requests", [n], params={"organisation_id": n}),
        row_org=lambda item: item["branch_id"],
    ),
    Probe(
        "GET /v1/requests/summary",
        lambda w, n: Call("GET", "/v1/requests/summary", [n], params={"organisation_id": n}),
    ),
    Probe(
        "GET /v1/requests/grouped",
        lambda w, n: Call("GET", "/v1/requests/grouped", [n], params={"addressee_id": n}),
        items=lambda body: [r for g in body for r in g["requests"]],
        # The addressee sees what it owes, whatever branch raised it.
        visible=lambda w, c, item: True,
    ),
    Probe(
        "GET /v1/requests/consolidation",
        lambda w, n: Call(
            "GET",
            "/v1/requests/consolidation",
            [n],
            params={"organisation_id": n, "month": "2026-11"},
        ),
        items=lambda body: body["lines"],
        row_org=lambda item: item["organisation_id"],
    ),
    Probe(
        "GET /v1/observers/{member_id}/duty",
        lambda w, n: Call("GET", f"/v1/observers/uv-{n}/duty", [], params={"year": 2026}),
        items=lambda body: body["reports"],
        row_org=lambda item: item["branch_id"],
    ),
    Probe(
        "GET /v1/requests/{request_id}",
        lambda w, b: Call("GET", f"/v1/requests/{w.resource('request', b)}", [b]),
        "request",
    ),
    Probe(
        # The addressee's act: the body asked to answer (here the branch itself) acknowledges.
        "POST /v1/requests/{request_id}/actions",
        lambda w, b: Call(
            "POST",
            f"/v1/requests/{w.resource('request', b)}/actions",
            [b],
            {"action": "acknowledge"},
            permission="request.respond",
        ),
        "request",
    ),
    Probe(
        # The raising branch's act: its officers accept the answer (409 until there is one).
        "POST /v1/requests/{request_id}/actions",
        lambda w, b: Call(
            "POST",
            f"/v1/requests/{w.resource('request', b)}/actions",
            [b],
            {"action": "accept_answer"},
            permission="request.branch_act",
        ),
        "request",
    ),
    Probe(
        "POST /v1/meetings/{meeting_id}/observer-reports",
        lambda w, b: Call(
            "POST",
            f"/v1/meetings/{w.resource('meeting', b)}/observer-reports",
            [b],
            {"attended": True},
            # Only the observer assigned to the branch (its member, from the token) files.
            actor=lambda caller: caller.member_id == f"uv-{b}",
        ),
        "meeting",
    ),
    Probe(
        "GET /v1/observer-reports",
        lambda w, n: Call("GET", "/v1/observer-reports", []),
        row_org=lambda item: item["branch_id"],
    ),
    Probe(
        # Rows of the subtree only: by 20 December every branch's December is missed (the
        # sweep would expect it first), each a row of its branch.
        "GET /v1/organisations/{organisation_id}/escalation-dry-run",
        lambda w, n: Call(
            "GET", f"/v1/organisations/{n}/escalation-dry-run", [n], params={"as_of": "2026-12-20"}
        ),
        items=lambda body: [
            item
            for part in ("escalations", "overdue_at_top", "reminders", "missed_meetings")
            for item in body[part]
        ],
        row_org=lambda item: item["branch_id"],
    ),
]


def observer_member(grants: tuple[Grant, ...]) -> str | None:
    """An observer's token names the member assigned to the branch they observe (seeded)."""
    return next((f"uv-{g.org}" for g in grants if g.role == "observer"), None)


async def seed(app, world: World) -> None:  # type: ignore[no-untyped-def]
    runtime = app.state.runtime
    async with runtime.uow() as uow:
        await seed_replica(uow.session, world, FROM)
        for i, branch in enumerate(world.branches):
            await apply_observer_assigned(
                uow.session,
                ObserverAssigned.produce(
                    aggregate_version=1,
                    observer_assignment_id=f"oa-{i}",
                    member_id=f"uv-{branch}",
                    branch_id=branch,
                    valid_from=FROM,
                ),
            )
        await uow.commit()
    world.resources = {"branch": {b: b for b in world.branches}, "meeting": {}, "draft": {}}
    world.resources["request"] = {}
    async with signed_client(app, "http://meetings") as client:
        for branch in world.branches:
            r = await client.post(
                "/v1/meetings", json=_submission(branch), headers={"Idempotency-Key": branch}
            )
            assert r.status_code == 201, r.text
            world.resources["meeting"][branch] = r.json()["id"]
            r = await client.post("/v1/meeting-drafts", json={"branch_id": branch, "body": {}})
            assert r.status_code == 201, r.text
            world.resources["draft"][branch] = r.json()["id"]
            r = await client.get("/v1/requests", params={"branch_id": branch})
            world.resources["request"][branch] = r.json()["items"][0]["id"]


async def scenario(rng: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/m.db"
        await asyncio.to_thread(templates.restore, url, MIGRATIONS)
        app = build_app(
            MeetingsSettings(database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:1/")
        )  # type: ignore[arg-type]
        try:
            world = random_tree(rng)
            await seed(app, world)
            check_coverage(app, PROBES)
            async with signed_client(app, "http://meetings", headers={}) as client:
                for probe in PROBES:
                    await check_probe(
                        client,
                        world,
                        probe,
                        rng,
                        table=PERMISSIONS,
                        member_of=observer_member,
                        users=3,
                        targets=2,
                    )
                r = await client.get("/v1/meetings")
                assert r.status_code == 401, r.text  # no token at all
        finally:
            await app.state.runtime.db.dispose()


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_scope_is_exactly_the_subtree(rng: random.Random) -> None:
    asyncio.run(scenario(rng))
