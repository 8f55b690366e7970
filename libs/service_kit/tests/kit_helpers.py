"""Real objects for service_kit's own tests: a runtime with test handlers, events, queue depths."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aio_pika
import sqlalchemy as sa
from prometheus_client import REGISTRY
from sqlmodel import SQLModel

import service_kit.tables as tables
from event_contracts import CloudEvent, make_event
from event_contracts.events.meetings import MeetingSubmitted, RollEntry
from service_kit.bus.consumer import Handler, Subscription
from service_kit.runtime import ServiceRuntime
from service_kit.settings import ServiceSettings

SUBMITTED = "meetings.meeting.submitted.v1"


def submitted(meeting_id: str, version: int = 1) -> MeetingSubmitted:
    start = datetime(2026, 10, 3, 12, tzinfo=UTC)
    return MeetingSubmitted.produce(
        aggregate_version=version,
        meeting_id=meeting_id,
        branch_id="branch-1",
        meeting_type="regular",
        held_on=date(2026, 10, 3),
        started_at=start,
        ended_at=start + timedelta(minutes=95),
        duration_minutes=95,
        within_scheduled_window=True,
        roll=[RollEntry(member_id="m1", attendance="present")],
    )


def submitted_event(meeting_id: str) -> CloudEvent:
    return make_event(submitted(meeting_id), source="/tests", subject=f"meetings/{meeting_id}")


def make_runtime(
    service: str, amqp_url: str, db_url: str, handlers: dict[str, Handler], **overrides: object
) -> ServiceRuntime:
    options: dict[str, object] = {
        "retry_delays_seconds": [0.2, 0.3],
        "max_attempts": 3,
        "outbox_poll_seconds": 0.1,
        "broker_reconnect_seconds": 0.5,
        "publish_timeout_seconds": 3,
        **overrides,
    }
    settings = ServiceSettings(
        service_name=service,
        database_url=db_url,
        amqp_url=amqp_url,  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )
    return ServiceRuntime(
        settings,
        migrations_dir=Path("unused"),
        subscriptions=[Subscription(purpose="events", handlers=handlers)],
    )


async def create_kit_tables(runtime: ServiceRuntime) -> None:
    own = [t.__table__ for t in (tables.OutboxEvent, tables.InboxEvent, tables.IdempotencyRecord)]
    async with runtime.db.engine.begin() as conn:
        await conn.run_sync(lambda c: SQLModel.metadata.create_all(c, tables=own))  # type: ignore[arg-type]


async def count(runtime: ServiceRuntime, table: type[SQLModel], *where: object) -> int:
    async with runtime.db.session() as session:
        stmt = sa.select(sa.func.count()).select_from(table).where(*where)  # type: ignore[arg-type]
        return int((await session.execute(stmt)).scalar_one())


async def queue_depth(amqp_url: str, queue: str) -> int:
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel()
        q = await channel.declare_queue(queue, passive=True)
        return int(q.declaration_result.message_count or 0)


async def publish_raw(amqp_url: str, routing_key: str, body: bytes, *, type_: str = "") -> None:
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel(publisher_confirms=True)
        exchange = await channel.get_exchange("events")
        await exchange.publish(
            aio_pika.Message(
                body,
                type=type_ or None,
                message_id="raw",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=routing_key,
        )


async def publish_events(amqp_url: str, events: list[CloudEvent]) -> None:
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel(publisher_confirms=True)
        exchange = await channel.get_exchange("events")
        await asyncio.gather(
            *(
                exchange.publish(
                    aio_pika.Message(
                        e.to_json(),
                        type=e.type,
                        message_id=e.id,
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    routing_key=e.routing_key,
                )
                for e in events
            )
        )


async def eventually(
    check: Callable[[], Awaitable[bool]], timeout: float = 30.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout:.0f}s")


def consumed(service: str, queue: str, outcome: str, event_type: str) -> float:
    value = REGISTRY.get_sample_value(
        "chibo_events_consumed_total",
        {"service": service, "queue": queue, "event_type": event_type, "outcome": outcome},
    )
    return value or 0.0
