"""The agency feed and the served contract: a webhook agency down longer than the retry window
catches up completely through `GET /v1/agency-feed` (the same CloudEvents as the push, only its
own); a cursor older than the retention says so; schemas are served at their `dataschema` path
without a token."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import agency_world as aw
import aio_pika
import httpx
import pytest
import sqlalchemy as sa
from notifications_registry import running_registry
from notifications_servers import (
    NO_BROKER,
    PUBLIC_NAMES,
    WebhookReceiver,
    fast_settings,
    wait_until,
)

from chibo_testing.plugin import migrated
from chibo_testing.tokens import signed_client, token
from event_contracts import CATALOG, CloudEvent
from event_contracts.events import meetings as mt
from event_contracts.schemas import SCHEMA_DIR
from notifications.deliveries.models import Delivery
from notifications.email.sink import SmtpSink
from notifications.feed.stream import Bounds, read_page
from notifications.main import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from service_kit.bus.topology import EVENTS, declare_exchanges
from service_kit.grants import AccessRole, Grant

GRANTED = aw.COMMUNES[0]
HOOK = "ubkt-mot"


def agency_headers(client_id: str, org: str = GRANTED) -> dict[str, str]:
    signed = token(
        org,
        "commune",
        roles=(),
        subject=client_id,
        client_id=client_id,
        client_kind="agency",
        grants=[Grant(AccessRole.AGENCY, org)],
    )
    return {"Authorization": f"Bearer {signed}"}


async def read_feed(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for _ in range(50):
        r = await client.get("/v1/agency-feed", params=params, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        params = {"cursor": body["next_cursor"]}
        if not body["has_more"]:
            return items
    raise AssertionError("the feed never ended")


def requests_in(branches: tuple[str, ...], prefix: str, n: int) -> list[CloudEvent]:
    return [
        aw.event(aw.request(mt.RequestRaised, f"{prefix}{i}", branches[i % 5], 1), f"r/{i}")
        for i in range(n)
    ]


@pytest.mark.broker
@pytest.mark.slow
async def test_a_webhook_agency_down_past_the_retry_window_catches_up_through_the_feed(
    amqp_url: str, tmp_path: Path, sink: SmtpSink, receiver: WebhookReceiver
) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path}/n.db"
    await (await migrated(db_url, MIGRATIONS)).dispose()
    # Four attempts, 0.3 s apart and doubling: the retry window is about two seconds.
    settings = fast_settings(db_url, sink.port, amqp_url=amqp_url)
    ours, theirs = aw.BRANCHES[GRANTED], aw.BRANCHES[aw.COMMUNES[1]]
    async with running_registry(tmp_path) as registry:
        app = build_app(settings, registry=registry.client(), resolver=PUBLIC_NAMES)
        runtime = app.state.runtime
        await aw.seed_replica(runtime)
        client_id = await registry.app_client("Ủy ban kiểm tra xã Một")
        async with signed_client(app, "http://notifications") as client:
            created = await client.post(
                "/v1/agencies",
                json={
                    "name": HOOK,
                    "client_id": client_id,
                    "channel": "webhook",
                    "webhook_url": receiver.url(HOOK),
                    "patterns": ["meetings.request.#"],
                    "organisation_ids": [GRANTED],
                },
            )
            assert created.status_code == 201, created.text
            receiver.secrets[HOOK] = [created.json()["secret"]]
            await runtime.start()
            try:
                await wait_until(
                    lambda: runtime.bus.is_connected and all(c.attached for c in runtime.consumers),
                    what="consumers attached",
                )
                conn = await aio_pika.connect(amqp_url)
                async with conn:
                    channel = await conn.channel(publisher_confirms=True)
                    await declare_exchanges(channel)
                    events = await channel.get_exchange(EVENTS)
                    noise = requests_in(theirs, "other", 10) + [
                        aw.event(aw.missed(b, "2026-10"), b) for b in ours
                    ]
                    before = requests_in(ours, "up", 10)
                    await aw.publish(events, before + noise)
                    await wait_until(
                        lambda: (
                            len([h for h in receiver.for_path(HOOK) if h.verified == "ok"]) >= 10
                        ),
                        what="pushed while up",
                    )

                    # What the agency processed (answered 2xx to) while it was up.
                    pushed = {
                        json.loads(h.body)["id"]: json.loads(h.body)
                        for h in receiver.for_path(HOOK)
                        if h.verified == "ok"
                    }
                    receiver.behaviours[HOOK] = "fail"  # down: every attempt answered 500
                    down_since = datetime.now(UTC) - timedelta(seconds=2)
                    during = requests_in(ours, "down", 15)
                    await aw.publish(events, during + requests_in(theirs, "other-down", 10))

                    async def given_up() -> bool:
                        rows = await svc_rows(runtime)
                        return sum(r.status == "failed" for r in rows) == 15

                    await wait_until(given_up, timeout=30, what="retries used up")
                    receiver.behaviours[HOOK] = "ok"
                    assert set(pushed) == {e.id for e in before}

                    # The agency catches up from a little before it went down…
                    headers = agency_headers(client_id)
                    since = await read_feed(client, headers, since=down_since.isoformat())
                    # …and, to check the whole, from the oldest event kept.
                    everything = await read_feed(client, headers)
            finally:
                await runtime.stop()

    entitled = {e.id for e in before + during}
    caught_up = {i["id"] for i in since}
    assert {e.id for e in during} <= caught_up <= entitled
    assert set(pushed) | caught_up == entitled  # nothing missing
    assert [i["id"] for i in everything] == [e.id for e in before + during]  # in order, only its
    for item in everything:  # the same CloudEvents as the push
        if item["id"] in pushed:
            assert item == pushed[item["id"]]
        assert item["data"]["branch_id"] in ours


async def svc_rows(runtime: Any) -> list[Delivery]:
    async with runtime.db.session() as session:
        stmt = sa.select(Delivery).where(Delivery.recipient == f"agency:{HOOK}")
        return list((await session.execute(stmt)).scalars())


@pytest.mark.broker
async def test_a_cursor_older_than_the_retention_is_reported(amqp_url: str) -> None:
    """Retention drops whole segments; a reader asking for a dropped offset learns how many
    were lost (the feed's `truncated`), never a silent gap."""
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel(publisher_confirms=True)
        stream = await channel.declare_queue(
            "tiny.stream",
            durable=True,
            arguments={
                "x-queue-type": "stream",
                "x-max-length-bytes": 20_000,
                "x-stream-max-segment-size-bytes": 5_000,
            },
        )
        body = json.dumps({"pad": "x" * 1000}).encode()
        for i in range(60):
            await channel.default_exchange.publish(
                aio_pika.Message(body, message_id=str(i)), routing_key=stream.name
            )
        bounds = Bounds(page=100, scan=100, first_wait=2.0, idle=0.3)
        deadline = time.monotonic() + 20
        page = await read_page(conn, 0, lambda _: True, bounds, queue="tiny.stream")
        while (page.first_offset or 0) == 0 and time.monotonic() < deadline:
            await channel.default_exchange.publish(
                aio_pika.Message(body), routing_key="tiny.stream"
            )
            page = await read_page(conn, 0, lambda _: True, bounds, queue="tiny.stream")
        assert page.first_offset and page.first_offset > 0  # the oldest were dropped
        assert page.lost_from(0) == page.first_offset
        assert page.next_offset and page.next_offset > page.first_offset


async def test_the_feed_answers_only_a_registered_agency_and_checks_its_parameters(
    tmp_path: Path,
) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path}/n.db"
    await (await migrated(db_url, MIGRATIONS)).dispose()
    app = build_app(NotificationsSettings(database_url=db_url, amqp_url=NO_BROKER))  # type: ignore[arg-type]
    try:
        async with signed_client(app, "http://notifications") as client:
            nobody = await client.get("/v1/agency-feed", headers=agency_headers("not-registered"))
            assert nobody.status_code == 404, nobody.text
            both = await client.get(
                "/v1/agency-feed",
                params={"cursor": "5", "since": "2026-11-01T00:00:00Z"},
                headers=agency_headers("not-registered"),
            )
            assert both.status_code == 422
            assert [e["pointer"] for e in both.json()["errors"]] == ["#query/since"]
            bad = await client.get(
                "/v1/agency-feed",
                params={"types": "registry.member.#"},
                headers=agency_headers("x"),
            )
            assert bad.status_code == 422
            assert [e["pointer"] for e in bad.json()["errors"]] == ["#query/types/0"]
            officer = await client.get("/v1/agency-feed")  # a province officer is no agency
            assert officer.status_code == 403
    finally:
        await app.state.runtime.db.dispose()


async def test_public_schemas_and_the_asyncapi_document_are_served_at_their_dataschema(
    tmp_path: Path,
) -> None:
    db_url = f"sqlite+aiosqlite:///{tmp_path}/n.db"
    app = build_app(NotificationsSettings(database_url=db_url, amqp_url=NO_BROKER))  # type: ignore[arg-type]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://notifications"
    ) as client:  # no token at all
        for spec in CATALOG:
            path = spec.dataschema.removeprefix("https://chibo.vn")
            r = await client.get(path)
            if not spec.public:
                assert r.status_code == 404, path  # internal types are not handed out
                continue
            assert r.status_code == 200, path
            assert r.headers["content-type"] == "application/schema+json"
            committed = json.loads((SCHEMA_DIR / f"{spec.routing_key}.json").read_text("utf-8"))
            assert r.json() == committed and r.json()["$id"] == spec.dataschema
        doc = (await client.get("/schemas/events/asyncapi.json")).json()
        assert doc["asyncapi"] == "3.0.0"
        assert {c["address"] for c in doc["channels"].values()} == {
            f"{s.routing_key}.{{organisationPath}}" for s in CATALOG if s.public
        }
        assert (await client.get("/schemas/events/nothing.json")).status_code == 404
