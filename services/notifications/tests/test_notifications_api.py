"""The API operators and secretaries use: rules versions, contact points and secrets, inbox."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from notifications_servers import PUBLIC_NAMES, scored

from chibo_testing.plugin import migrated
from chibo_testing.tokens import holding, signed_client
from event_contracts import make_event, parse_envelope
from notifications.deliveries.jobs import Job
from notifications.dispatch.handlers import on_event
from notifications.main import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from notifications.webhooks.sender import signed_headers
from notifications.webhooks.service import valid_secrets
from notifications.webhooks.verify import Webhook
from service_kit.runtime import ServiceRuntime

SECRETARY = "branch-secretary:branch-dong-ha"


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    settings = NotificationsSettings(
        database_url=db_url,
        amqp_url="amqp://guest:guest@127.0.0.1:1/",
        webhook_allow_insecure=False,
    )
    app = build_app(settings, resolver=PUBLIC_NAMES)
    async with signed_client(app, "http://notifications") as client:
        yield client, app.state.runtime
    await app.state.runtime.db.dispose()


async def deliver_scored(runtime: ServiceRuntime, **overrides: Any) -> None:
    event = make_event(scored(**overrides), source="/services/scoring", subject="m")
    _, data = parse_envelope(event.to_json())
    async with runtime.uow(causation=event) as uow:
        await on_event(runtime.context, uow, event, data)
        await uow.commit()


async def test_rules_are_versioned_and_a_stale_edit_is_refused(api: Any) -> None:
    client, runtime = api
    current = (await client.get("/v1/rules")).json()
    assert current["version"] == 0
    document = current["document"]
    document["rules"][0]["filter"] = {"grade": ["kem", "trung_binh"]}
    first = await client.post(
        "/v1/rules/versions", json={**document, "based_on_version": 0, "note": "chỉ báo yếu kém"}
    )
    assert first.status_code == 201, first.text
    assert first.json()["version"] == 1
    stale = await client.post("/v1/rules/versions", json={**document, "based_on_version": 0})
    assert stale.status_code == 409 and stale.json()["latest_version"] == 1
    broken = {**document, "based_on_version": 1}
    broken["rules"] = [{**document["rules"][0], "recipients": ["bi-thu:{chi_bo}"]}]
    refused = await client.post("/v1/rules/versions", json=broken)
    assert refused.status_code == 422 and "{chi_bo}" in refused.text
    versions = (await client.get("/v1/rules/versions")).json()
    assert [v["version"] for v in versions] == [1, 0]
    assert (await client.get("/v1/rules/versions/0")).json()["document"]["rules"]

    # Version 1 in effect: a good meeting no longer reaches the secretary's inbox.
    await deliver_scored(runtime, grade="tot", meeting_id="m-good")
    await deliver_scored(runtime, grade="kem", meeting_id="m-weak", total_points=40)
    notes = (await client.get("/v1/notifications", params={"recipient": SECRETARY})).json()
    assert [("m-weak" in n["body"], n["rule_set_version"]) for n in notes["items"]] == [(True, 1)]


async def test_inbox_unread_count_and_mark_read(api: Any) -> None:
    client, runtime = api
    for n in range(3):
        await deliver_scored(runtime, meeting_id=f"m{n}")
    count = await client.get("/v1/notifications/unread-count", params={"recipient": SECRETARY})
    assert count.json() == {"recipient": SECRETARY, "unread": 3}
    first = (await client.get("/v1/notifications", params={"recipient": SECRETARY})).json()
    note_id = first["items"][0]["id"]
    # Only the inbox's own people mark it read: the office above reads, but may not mark.
    office = await client.post(f"/v1/notifications/{note_id}/read")
    assert office.status_code == 403, office.text
    own = holding(("secretary", SECRETARY.partition(":")[2]))
    read = await client.post(f"/v1/notifications/{note_id}/read", headers=own)
    again = await client.post(f"/v1/notifications/{note_id}/read", headers=own)
    assert read.json()["read_at"] and again.json()["read_at"] == read.json()["read_at"]
    unread = await client.get("/v1/notifications", params={"recipient": SECRETARY, "unread": True})
    assert len(unread.json()["items"]) == 2
    marked = await client.post(
        "/v1/notifications/read", params={"recipient": SECRETARY}, headers=own
    )
    assert marked.json()["marked"] == 2
    count = await client.get("/v1/notifications/unread-count", params={"recipient": SECRETARY})
    assert count.json()["unread"] == 0
    missing = await client.post("/v1/notifications/nope/read", headers=own)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


async def test_contact_points_are_validated_and_webhook_secrets_rotate_with_a_grace(
    api: Any,
) -> None:
    client, runtime = api
    bad_mail = await client.post(
        "/v1/contact-points", json={"address": SECRETARY, "channel": "email", "target": "x@"}
    )
    assert bad_mail.status_code == 422
    private = await client.post(
        "/v1/contact-points",
        json={"address": "agency:a", "channel": "webhook", "target": "https://10.0.0.5/hook"},
    )
    assert private.status_code == 422 and private.json()["errors"][0]["pointer"] == "/target"
    hook = {"address": "agency:a", "channel": "webhook", "target": "https://agency.example.org/h"}
    created = await client.post("/v1/contact-points", json=hook)
    assert created.status_code == 201, created.text
    old = created.json()["secret"]
    assert (await client.post("/v1/contact-points", json=hook)).status_code == 409
    listed = (await client.get("/v1/contact-points", params={"address": "agency:a"})).json()
    assert "secret" not in listed["items"][0]

    contact_id = created.json()["id"]
    rotated = await client.post(
        f"/v1/contact-points/{contact_id}/secret-rotations", json={"grace_seconds": 3600}
    )
    assert rotated.status_code == 201, rotated.text
    new = rotated.json()["secret"]
    async with runtime.db.session() as session:
        signing = (await valid_secrets(session, [contact_id], runtime.clock.now()))[contact_id]
    assert signing == [new, old]
    job = Job(
        delivery_id="msg_1",
        channel="webhook",
        recipient="agency:ubkt",
        contact_point_id=contact_id,
        target="https://x",
        subject="",
        body='{"a":1}',
        secrets=tuple(signing),
    )
    headers = signed_headers(job, int(time.time()))
    assert Webhook(old).verify(b'{"a":1}', headers) == {"a": 1}
    assert Webhook(new).verify(b'{"a":1}', headers) == {"a": 1}

    ended = await client.post(
        f"/v1/contact-points/{contact_id}/secret-rotations", json={"grace_seconds": 0}
    )
    async with runtime.db.session() as session:
        assert (await valid_secrets(session, [contact_id], runtime.clock.now()))[contact_id] == [
            ended.json()["secret"]
        ]
