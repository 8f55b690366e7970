"""A province for agency tests: its tree (seeded into notifications' replica the way the
registry's events would), public events keyed with their organisation's path the way a
producer's relay publishes them, an agency's broker connection and its stream read with its own
offset."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import aio_pika
from aio_pika.abc import AbstractConnection, AbstractIncomingMessage

from event_contracts import CloudEvent, EventData, make_event
from event_contracts.events import meetings as mt
from event_contracts.events import registry as rg
from event_contracts.events import scoring as sc
from event_contracts.routing import organisation_of, with_path
from org_tree.replica import apply_registered

PROVINCE = "tinh-qa"
COMMUNES = ("xa-mot", "xa-hai")
BRANCHES = {c: tuple(f"cb-{c[3:]}-{i}" for i in range(5)) for c in COMMUNES}
FROM = date(2020, 1, 1)


def parent_of() -> dict[str, str | None]:
    tree: dict[str, str | None] = {PROVINCE: None}
    for commune in COMMUNES:
        tree[commune] = PROVINCE
        for branch in BRANCHES[commune]:
            tree[branch] = commune
    return tree


def path_to(org: str) -> list[str]:
    """The organisation's path from the province down (what the producer's relay finds)."""
    tree = parent_of()
    chain: list[str] = []
    current: str | None = org
    while current is not None:
        chain.append(current)
        current = tree.get(current)
    return list(reversed(chain))


def registered() -> list[rg.OrganisationRegistered]:
    kinds = {PROVINCE: "province", **dict.fromkeys(COMMUNES, "commune")}
    return [
        rg.OrganisationRegistered.produce(
            aggregate_version=1,
            organisation_id=org,
            code=org,
            name=org,
            kind=kinds.get(org, "grassroots_branch"),
            parent_id=parent,
            valid_from=FROM,
            branch_kind="residential" if org not in kinds else None,
        )
        for org, parent in parent_of().items()
    ]


async def seed_replica(runtime: Any) -> None:
    async with runtime.uow() as uow:
        for fact in registered():
            await apply_registered(uow.session, fact)
        await uow.commit()


def keyed(event: CloudEvent) -> str:
    """The routing key a producer's relay publishes `event` with."""
    org = organisation_of(event.routing_key, event.data)
    return with_path(event.routing_key, path_to(org)) if org else event.routing_key


def request(cls: type[mt.RequestFacts], request_id: str, branch: str, version: int) -> Any:
    path = path_to(branch)
    commune = path[1] if len(path) > 1 else PROVINCE
    return cls.produce(
        request_id=request_id,
        aggregate_version=version,
        branch_id=branch,
        meeting_id=f"m-{request_id}",
        subject="Sửa đường liên thôn",
        addressee_id=commune,
        status="submitted",
        level=0,
        level_organisation_id=commune,
    )


def scored(meeting_id: str, branch: str, version: int = 1) -> sc.MeetingScored:
    return sc.MeetingScored.produce(
        meeting_id=meeting_id,
        branch_id=branch,
        meeting_version=version,
        rubric_id="hd42-default",
        rubric_version="2025.1",
        total_points=88,
        max_points=100,
        grade="tot",
        criteria=[sc.CriterionScore(code="C1", points=18, max_points=20)],
        aggregate_version=version,
    )


def missed(branch: str, period: str) -> mt.MeetingMissed:
    return mt.MeetingMissed.produce(
        aggregate_version=1,
        branch_id=branch,
        period=period,
        window_from_day=1,
        window_to_day=10,
        due_at=datetime(2026, 11, 13, tzinfo=UTC),
    )


def event(data: EventData, subject: str) -> CloudEvent:
    return make_event(data, source="/test/producer", subject=subject)


async def publish(exchange: aio_pika.abc.AbstractExchange, events: Sequence[CloudEvent]) -> None:
    """As the relay does: confirms in flight, every one confirmed before returning."""
    await asyncio.gather(
        *(
            exchange.publish(
                aio_pika.Message(
                    e.to_json(),
                    content_type="application/cloudevents+json; charset=utf-8",
                    message_id=e.id,
                    type=e.type,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                ),
                routing_key=keyed(e),
            )
            for e in events
        )
    )


def as_user(amqp_url: str, user: str, password: str) -> str:
    parts = urlsplit(amqp_url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@dataclass(frozen=True)
class Received:
    offset: int
    routing_key: str
    body: bytes


async def read_stream(
    connection: AbstractConnection,
    stream: str,
    offset: int | str | datetime,
    enough: Callable[[list[Received]], bool],
    *,
    timeout: float = 30.0,
    idle: float = 0.5,
) -> list[Received]:
    """What an AMQP agency does: consume its stream from its own offset (prefetch set, each
    message acked), until `enough` holds and nothing more came for `idle` seconds."""
    got: list[Received] = []
    arrived: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
    channel = await connection.channel()
    await channel.set_qos(prefetch_count=500)
    queue = await channel.get_queue(stream, ensure=False)
    tag = await queue.consume(arrived.put, arguments={"x-stream-offset": offset})
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                message = await asyncio.wait_for(arrived.get(), idle)
            except TimeoutError:
                if enough(got):
                    break
                continue
            await message.ack()
            at = int((message.headers or {})["x-stream-offset"])  # type: ignore[call-overload]
            if isinstance(offset, int) and at < offset:
                continue  # the chunk holding `offset` starts earlier
            got.append(Received(at, message.routing_key or "", message.body))
    finally:
        await queue.cancel(tag)
        await channel.close()
    return got
