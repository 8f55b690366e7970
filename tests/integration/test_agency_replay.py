"""An agency stops reading while 10,000 public events flow, then resumes from its own offset: it
gets every event it is entitled to (its subscribed types, about its granted commune's subtree),
in order per aggregate, none missing, none from elsewhere — from its own stream over AMQP, and
the same set from the HTTP feed. The internal flow's latency is measured before and during the
flood (printed, not asserted: this machine's two cores are shared)."""

from __future__ import annotations

import asyncio
import json
import statistics
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import agency_world as aw
import aio_pika
import pytest
import sqlalchemy as sa

from chibo_testing.plugin import migrated
from chibo_testing.servers import Broker
from chibo_testing.tokens import signed_client, token
from event_contracts import CloudEvent
from event_contracts.events import meetings as mt
from event_contracts.routing import path_of
from notifications.agencies.models import Agency
from notifications.agencies.provisioning import deprovision, provision, vhost_of
from notifications.agencies.rules import binding_keys, stream_name, subscribed_types
from notifications.main import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from service_kit.bus.topology import EVENTS, declare_exchanges
from service_kit.grants import AccessRole, Grant
from service_kit.tasks import cancel_and_wait

pytestmark = [pytest.mark.broker, pytest.mark.slow]

PATTERNS = ["meetings.request.#", "scoring.meeting.scored.v1"]
GRANTED = aw.COMMUNES[0]
CLIENT = "client-ubkt-replay"
REQUEST_KINDS = [
    mt.RequestRaised,
    mt.RequestAcknowledged,
    mt.RequestAnswered,
    mt.RequestReopened,
    mt.RequestForwarded,
    mt.RequestReturned,
    mt.RequestEscalated,
]
VERSIONS = 50  # rounds: each request aggregate gets one new version per round


def _request_event(kind: type[mt.RequestFacts], rid: str, branch: str, v: int) -> CloudEvent:
    if kind is mt.RequestEscalated:
        commune = aw.path_to(branch)[1] if len(aw.path_to(branch)) > 1 else aw.PROVINCE
        data = mt.RequestEscalated.produce(
            **aw.request(mt.RequestRaised, rid, branch, v).model_dump(),
            from_level_organisation_id=commune,
            breached_stage="acknowledge",
            breached_due_at="2026-11-20T10:00:00Z",
        )
    else:
        data = aw.request(kind, rid, branch, v)
    return aw.event(data, f"requests/{rid}")


def flood() -> list[list[CloudEvent]]:
    """10,000 public events in 50 rounds: 180 requests × 50 versions (half in each commune),
    500 scores, 300 missed meetings (a type the agency did not subscribe to) and 200 events
    about an organisation no tree knows (placed nowhere)."""
    branches = [b for c in aw.COMMUNES for b in aw.BRANCHES[c]]
    requests = [(f"r{i:03d}", branches[i % len(branches)]) for i in range(180)]
    others: list[CloudEvent] = []
    for i in range(500):
        branch = branches[i % len(branches)]
        others.append(aw.event(aw.scored(f"m{i:03d}", branch), f"meetings/m{i:03d}"))
    for i in range(300):
        branch = branches[i % len(branches)]
        others.append(aw.event(aw.missed(branch, f"20{10 + i // 12}-{i % 12 + 1:02d}"), branch))
    for i in range(200):
        others.append(_request_event(mt.RequestRaised, f"ghost{i}", "cb-ghost", 1))
    rounds = []
    for v in range(1, VERSIONS + 1):
        kind = REQUEST_KINDS[(v - 1) % len(REQUEST_KINDS)]
        batch = [_request_event(kind, rid, branch, v) for rid, branch in requests]
        batch += others[(v - 1) * 20 : v * 20]
        rounds.append(batch)
    assert sum(map(len, rounds)) == 10_000
    return rounds


def entitled(event: CloudEvent) -> bool:
    key = aw.keyed(event)
    types = subscribed_types(PATTERNS)
    return ".".join(key.split(".")[:4]) in types and path_of(key)[:2] == aw.path_to(GRANTED)


def aggregate(body: dict[str, Any]) -> tuple[str, int]:
    data = body["data"]
    return data.get("request_id") or data["meeting_id"], int(data["aggregate_version"])


def in_order_per_aggregate(bodies: list[dict[str, Any]]) -> bool:
    last: dict[str, int] = defaultdict(int)
    for body in bodies:
        name, version = aggregate(body)
        if version <= last[name]:
            return False
        last[name] = version
    return True


class Probe:
    """The internal flow: a service's quorum queue of an internal type; latency from publish to
    delivery, in this process (perf_counter in a header)."""

    def __init__(self, amqp_url: str) -> None:
        self.amqp_url = amqp_url
        self.latencies: list[float] = []
        self.stop = asyncio.Event()

    async def run(self, samples: int | None, every: float = 0.01) -> list[float]:
        self.latencies, self.stop = [], asyncio.Event()
        conn = await aio_pika.connect(self.amqp_url)
        async with conn:
            channel = await conn.channel(publisher_confirms=False)
            await channel.set_qos(prefetch_count=50)
            queue = await channel.declare_queue(
                "scoring.meeting-events", durable=True, arguments={"x-queue-type": "quorum"}
            )
            await queue.bind(EVENTS, "meetings.meeting.submitted.v1.#")

            async def on(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                sent = float((message.headers or {})["sent"])  # type: ignore[arg-type]
                self.latencies.append(time.perf_counter() - sent)
                await message.ack()

            tag = await queue.consume(on)
            events = await channel.get_exchange(EVENTS)
            sent = 0
            while (samples is None and not self.stop.is_set()) or (samples and sent < samples):
                await events.publish(
                    aio_pika.Message(b"{}", headers={"sent": time.perf_counter()}),
                    routing_key="meetings.meeting.submitted.v1",
                )
                sent += 1
                await asyncio.sleep(every)
            for _ in range(300):
                if len(self.latencies) >= sent:
                    break
                await asyncio.sleep(0.01)
            await queue.cancel(tag)
        return self.latencies


def summary(latencies: list[float]) -> str:
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return (
        f"p50 {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms (n={len(ms)})"
    )


def publish_in_thread(amqp_url: str, rounds: list[list[CloudEvent]]) -> threading.Thread:
    """The producers, in a thread of their own (their own event loop), round after round, each
    round confirmed before the next (so versions of one aggregate leave in order)."""

    async def go() -> None:
        conn = await aio_pika.connect(amqp_url)
        async with conn:
            channel = await conn.channel(publisher_confirms=True)
            events = await channel.get_exchange(EVENTS)
            for batch in rounds:
                await aw.publish(events, batch)

    thread = threading.Thread(target=lambda: asyncio.run(go()), name="flood")
    thread.start()
    return thread


@pytest.fixture
def agency_name(broker: Broker, amqp_url: str) -> Iterator[str]:
    name = f"ubkt-{uuid.uuid4().hex[:8]}"
    yield name
    deprovision(str(broker.api_url), f"ext.{name}", vhost_of(amqp_url))


async def feed_all(client: Any, headers: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 500}
    for pages in range(1, 200):
        r = await client.get("/v1/agency-feed", params=params, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["truncated"] is None
        items += body["items"]
        params = {"limit": 500, "cursor": body["next_cursor"]}
        if not body["has_more"]:
            return items, pages
    raise AssertionError("the feed never reached the end")


async def test_an_agency_that_stopped_reading_resumes_with_everything_it_is_entitled_to(
    broker: Broker, amqp_url: str, agency_name: str, tmp_path: Path
) -> None:
    rounds = flood()
    warmup = [
        _request_event(mt.RequestRaised, f"w{i}", b, 1)
        for i, b in enumerate([aw.BRANCHES[aw.COMMUNES[i % 2]][i % 5] for i in range(100)])
    ]
    db_url = f"sqlite+aiosqlite:///{tmp_path}/n.db"
    await (await migrated(db_url, MIGRATIONS)).dispose()
    settings = NotificationsSettings(database_url=db_url, amqp_url=amqp_url)  # type: ignore[arg-type]
    app = build_app(settings)
    runtime = app.state.runtime
    runtime.consumers.clear()  # the feed only: this test measures the broker, not dispatch
    await aw.seed_replica(runtime)
    async with runtime.db.transaction() as session:
        session.add(
            Agency(
                id="a-1",
                name=agency_name,
                client_id=CLIENT,
                channel="amqp",
                patterns='["meetings.request.#", "scoring.meeting.scored.v1"]',
                organisation_ids=f'["{GRANTED}"]',
            )
        )
    bus = asyncio.create_task(runtime.bus.run())  # declares events.public.stream
    try:
        await runtime.bus.wait_connected(30)
        admin = await aio_pika.connect(amqp_url)
        async with admin:
            channel = await admin.channel(publisher_confirms=True)
            await declare_exchanges(channel)
            async with runtime.db.session() as session:
                from notifications.agencies import service as agencies

                grant = await agencies.amqp_grant_of(
                    session, agency_name, settings, vhost_of(amqp_url), aw.FROM.replace(year=2026)
                )
            assert not isinstance(grant, str), grant
            assert grant.binding_keys == binding_keys(
                subscribed_types(PATTERNS), [tuple(aw.path_to(GRANTED))]
            )
            provision(str(broker.api_url), grant, "pw")
            await aw.publish(await channel.get_exchange(EVENTS), warmup)

            # The agency reads what is there, stores its offset, and stops reading.
            agency_url = aw.as_user(amqp_url, grant.user, "pw")
            first = [e for e in warmup if entitled(e)]
            async with await aio_pika.connect(agency_url) as agency:
                got = await aw.read_stream(
                    agency, stream_name(agency_name), "first", lambda g: len(g) >= len(first)
                )
            assert [r.body for r in got] == [e.to_json() for e in first]
            stored = got[-1].offset

            probe = Probe(amqp_url)
            before = await probe.run(samples=200)
            started = time.perf_counter()
            producer = publish_in_thread(amqp_url, rounds)
            during_task = asyncio.create_task(probe.run(samples=None))
            await asyncio.to_thread(producer.join)
            flood_seconds = time.perf_counter() - started
            probe.stop.set()
            during = await during_task

            expected = [e for batch in rounds for e in batch if entitled(e)]
            assert len(expected) == 4750
            resumed = time.perf_counter()
            async with await aio_pika.connect(agency_url) as agency:
                got = await aw.read_stream(
                    agency,
                    stream_name(agency_name),
                    stored + 1,  # from where it stopped
                    lambda g: len(g) >= len(expected),
                    timeout=60,
                    idle=0.5,
                )
            read_seconds = time.perf_counter() - resumed

        # The same from the HTTP feed (the public stream, filtered on each key).
        headers = {
            "Authorization": "Bearer "
            + token(
                GRANTED,
                "commune",
                roles=(),
                subject=CLIENT,
                client_id=CLIENT,
                client_kind="agency",
                grants=[Grant(AccessRole.AGENCY, GRANTED)],
            )
        }
        async with signed_client(app, "http://notifications") as client:
            fed_started = time.perf_counter()
            items, pages = await feed_all(client, headers)
            feed_seconds = time.perf_counter() - fed_started
    finally:
        await cancel_and_wait([bus])
        await runtime.bus.close()
        runtime.context.renderer.close()

    bodies = [json.loads(r.body) for r in got]
    ids = [b["id"] for b in bodies]
    assert len(ids) == len(set(ids))
    assert set(ids) == {e.id for e in expected}, "missing or foreign events"  # none missing
    assert all(path_of(r.routing_key)[:2] == aw.path_to(GRANTED) for r in got)  # none outside
    assert in_order_per_aggregate(bodies)
    assert [r.offset for r in got] == list(range(stored + 1, stored + 1 + len(got)))

    fed = [i["id"] for i in items]
    assert len(fed) == len(set(fed))
    assert set(fed) == {e.id for e in first} | {e.id for e in expected}
    assert in_order_per_aggregate(items)
    assert {i["id"]: i for i in items}[expected[0].id] == expected[0].model_dump(
        mode="json", exclude_none=True
    )

    print(
        f"\nflood: 10,000 public events published in {flood_seconds:.1f} s "
        f"({10_000 / flood_seconds:.0f}/s, confirmed per round of 200)"
        f"\nagency resumed from offset {stored + 1}: {len(got)} events (all it is entitled to) "
        f"read in {read_seconds:.1f} s"
        f"\nHTTP feed: {len(items)} events in {pages} pages, {feed_seconds:.1f} s"
        f"\ninternal flow latency before the flood: {summary(before)}"
        f"\ninternal flow latency during the flood: {summary(during)}"
    )
    async with runtime.db.session() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Agency)) == 1
    await runtime.db.dispose()
