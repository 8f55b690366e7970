"""Outbox relay on SQLite and PostgreSQL: nothing lost while the broker is away, nothing dropped."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aio_pika
import pytest
from kit_helpers import count, create_kit_tables, eventually, make_runtime, submitted

from chibo_testing.tcp_proxy import TcpProxy
from event_contracts import make_event
from service_kit.outbox import OutboxEvent
from service_kit.tasks import cancel_and_wait

pytestmark = pytest.mark.broker


def through(proxy_port: int, amqp_url: str) -> str:
    parts = urlsplit(amqp_url)
    netloc = f"{parts.username}:{parts.password}@127.0.0.1:{proxy_port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


async def collect(amqp_url: str, into: list[str], ready: asyncio.Event) -> None:
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel()
        exchange = await channel.declare_exchange("events", "topic", durable=True)
        queue = await channel.declare_queue("", exclusive=True)
        await queue.bind(exchange, "meetings.#")
        ready.set()
        async with queue.iterator() as messages:
            async for message in messages:
                async with message.process():
                    into.append(json.loads(message.body)["id"])


async def test_relay_publishes_everything_after_an_outage(amqp_url: str, db_url: str) -> None:
    parts = urlsplit(amqp_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
    port = proxy.start()
    runtime = make_runtime("relay", through(port, amqp_url), db_url, {})
    await create_kit_tables(runtime)
    received: list[str] = []
    ready = asyncio.Event()
    collector = asyncio.create_task(collect(amqp_url, received, ready))
    await ready.wait()
    await runtime.start()
    try:
        await runtime.bus.wait_connected(30)
        proxy.cut()
        ids = []
        for i in range(30):  # accepted while the broker is unreachable
            async with runtime.uow() as uow:
                ids.append(uow.emit(submitted(f"m{i}"), subject=f"meetings/m{i}").id)
                await uow.commit()
        await asyncio.sleep(1.0)
        assert await runtime.relay.pending_count() == 30
        proxy.restore()

        async def all_out() -> bool:
            return await runtime.relay.pending_count() == 0 and len(set(received)) == 30

        await eventually(all_out, timeout=60, what="every outbox row published")
        assert set(received) == set(ids)
        assert await count(runtime, OutboxEvent) == 30
    finally:
        # Awaited, not just cancelled: a collector left to the loop's teardown could swallow
        # its cancellation (Python 3.11) and hold the test's event loop open.
        await cancel_and_wait([collector])
        await runtime.stop()
        proxy.stop()


async def test_uncommitted_work_leaves_no_event(amqp_url: str, db_url: str) -> None:
    runtime = make_runtime("rollback", amqp_url, db_url, {})
    await create_kit_tables(runtime)
    with pytest.raises(RuntimeError):
        async with runtime.uow() as uow:
            uow.emit(submitted("m-lost"), subject="meetings/m-lost")
            await uow.session.flush()
            raise RuntimeError("the request failed half-way")
    assert await count(runtime, OutboxEvent) == 0
    await runtime.db.dispose()


async def test_failed_publishes_back_off_and_keep_the_row(amqp_url: str, db_url: str) -> None:
    parts = urlsplit(amqp_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5672)
    port = proxy.start()
    runtime = make_runtime(
        "backoff", through(port, amqp_url), db_url, {}, publish_timeout_seconds=0.5
    )
    await create_kit_tables(runtime)
    await runtime.start()
    try:
        await runtime.bus.wait_connected(30)
        proxy.cut()
        async with runtime.uow() as uow:
            uow.emit(submitted("m-b"), subject="meetings/m-b")
            await uow.commit()

        async def attempted() -> bool:
            async with runtime.db.session() as session:
                row = (await session.execute(OutboxEvent.__table__.select())).one()
            return row.attempts >= 1 and row.published_at is None and row.last_error is not None

        await runtime.relay.publish_pending()  # a pass while the broker is away
        await eventually(attempted, what="failed attempt recorded")
        proxy.restore()
        await eventually(lambda: _zero(runtime), timeout=90, what="published after back-off")
    finally:
        await runtime.stop()
        proxy.stop()


async def _zero(runtime) -> bool:
    return await runtime.relay.pending_count() == 0


async def test_public_events_leave_with_their_organisations_path(
    amqp_url: str, db_url: str
) -> None:
    """The relay puts the path of a public event's organisation after the type (one lookup for
    the batch's organisations); internal events keep their type key; a consumer bound
    `<type>.#` gets both."""
    from datetime import date

    from service_kit.bus.paths import OrganisationPaths

    tree = {"cb-1": ["xa-1", "tinh"], "cb-2": ["xa-2", "tinh"]}
    asked: list[list[str]] = []

    async def ancestors(_: object, orgs: list[str], on: date) -> dict[str, list[str]]:
        asked.append(list(orgs))
        return {org: tree.get(org, []) for org in orgs}

    runtime = make_runtime("paths", amqp_url, db_url, {})
    runtime.relay.paths = OrganisationPaths(ancestors, lambda: date(2026, 11, 1))
    await create_kit_tables(runtime)
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel()
        events = await channel.declare_exchange("events", "topic", durable=True)
        queue = await channel.declare_queue("", exclusive=True)
        for key in ("meetings.meeting.missed.v1.#", "meetings.meeting.submitted.v1.#"):
            await queue.bind(events, key)
        async with runtime.uow() as uow:
            for branch in ("cb-1", "cb-2", "cb-1", "cb-unknown"):
                uow.emit(missed(branch), subject=f"branches/{branch}")
            uow.emit(submitted("m-1"), subject="meetings/m-1")
            await uow.commit()
        await runtime.start()
        try:
            keys: list[str] = []
            for _ in range(100):
                message = await queue.get(no_ack=True, fail=False)
                if message is not None:
                    keys.append(message.routing_key or "")
                elif len(keys) == 5:
                    break
                else:
                    await asyncio.sleep(0.1)
        finally:
            await runtime.stop()
    missed_key = "meetings.meeting.missed.v1"
    assert keys == [
        f"{missed_key}.tinh.xa-1.cb-1",
        f"{missed_key}.tinh.xa-2.cb-2",
        f"{missed_key}.tinh.xa-1.cb-1",
        f"{missed_key}.cb-unknown",  # placed nowhere above: no province in the path, no subtree
        "meetings.meeting.submitted.v1",  # internal: the type only
    ]
    assert asked == [["cb-1", "cb-2", "cb-unknown"]]  # one lookup for the batch


async def test_a_failed_lookup_never_stalls_the_relay() -> None:
    """Without the tree the events leave with their type key: internal consumers and
    province-wide agencies get them, no subtree they might not be in."""
    from datetime import date

    from service_kit.bus.paths import OrganisationPaths

    async def broken(*_: object) -> dict[str, list[str]]:
        raise RuntimeError("tree unavailable")

    event = make_event(missed("cb-1"), source="/t", subject="s")
    paths = OrganisationPaths(broken, lambda: date(2026, 11, 1))
    keys = await paths.routing_keys(None, [(event.routing_key, event.to_json().decode())])  # type: ignore[arg-type]
    assert keys == ["meetings.meeting.missed.v1"]


def missed(branch: str) -> Any:
    from datetime import UTC, datetime

    from event_contracts.events.meetings import MeetingMissed

    return MeetingMissed.produce(
        aggregate_version=1,
        branch_id=branch,
        period="2026-10",
        window_from_day=1,
        window_to_day=10,
        due_at=datetime(2026, 10, 13, tzinfo=UTC),
    )


async def test_an_event_about_an_organisation_not_yet_in_the_tree_waits_for_its_path(
    amqp_url: str, db_url: str
) -> None:
    """The registry's events and a service's own come by different queues: a public event about
    a branch this service's tree does not know yet is held (backoff) and leaves with its full
    path once the branch is known, not with its bare id where a subtree's agency would miss it."""
    from datetime import date

    from service_kit.bus.paths import OrganisationPaths

    tree: dict[str, list[str]] = {"cb-1": ["xa-1", "tinh"]}

    async def ancestors(_: object, orgs: list[str], on: date) -> dict[str, list[str]]:
        return {org: tree[org] for org in orgs if org in tree}  # unknown: left out

    runtime = make_runtime("placing", amqp_url, db_url, {})
    runtime.relay.paths = OrganisationPaths(ancestors, lambda: date(2026, 11, 1))
    await create_kit_tables(runtime)
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel()
        events = await channel.declare_exchange("events", "topic", durable=True)
        queue = await channel.declare_queue("", exclusive=True)
        await queue.bind(events, "meetings.meeting.missed.v1.#")
        async with runtime.uow() as uow:
            uow.emit(missed("cb-late"), subject="branches/cb-late")
            uow.emit(missed("cb-1"), subject="branches/cb-1")
            await uow.commit()
        await runtime.start()
        try:
            keys: list[str] = []

            async def until(n: int) -> None:
                for _ in range(100):
                    message = await queue.get(no_ack=True, fail=False)
                    if message is not None:
                        keys.append(message.routing_key or "")
                    elif len(keys) >= n:
                        return
                    else:
                        await asyncio.sleep(0.1)

            await until(1)
            assert keys == ["meetings.meeting.missed.v1.tinh.xa-1.cb-1"]  # the known one
            assert await runtime.relay.pending_count() == 1  # the other held, not lost
            tree["cb-late"] = ["xa-2", "tinh"]  # its registration reaches the replica
            await until(2)
        finally:
            await runtime.stop()
    assert keys[1] == "meetings.meeting.missed.v1.tinh.xa-2.cb-late"
    await runtime.db.dispose()


async def test_with_no_wait_an_event_about_an_unknown_organisation_leaves_at_once(
    amqp_url: str, db_url: str
) -> None:
    """`outbox_place_attempts` 0: nothing is held; the unknown branch's path is its own id."""
    from datetime import date

    from service_kit.bus.paths import OrganisationPaths

    async def ancestors(_: object, orgs: list[str], on: date) -> dict[str, list[str]]:
        return {}

    runtime = make_runtime("placing-now", amqp_url, db_url, {})
    runtime.relay.paths = OrganisationPaths(ancestors, lambda: date(2026, 11, 1))
    runtime.relay.place_attempts = 0
    await create_kit_tables(runtime)
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel()
        events = await channel.declare_exchange("events", "topic", durable=True)
        queue = await channel.declare_queue("", exclusive=True)
        await queue.bind(events, "meetings.meeting.missed.v1.#")
        async with runtime.uow() as uow:
            uow.emit(missed("cb-late"), subject="branches/cb-late")
            await uow.commit()
        await runtime.start()
        try:
            message = None
            for _ in range(100):
                message = await queue.get(no_ack=True, fail=False)
                if message is not None:
                    break
                await asyncio.sleep(0.1)
        finally:
            await runtime.stop()
    assert message is not None and message.routing_key == "meetings.meeting.missed.v1.cb-late"
    await runtime.db.dispose()
