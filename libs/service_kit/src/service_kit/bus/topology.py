"""Exchange and queue names and arguments, the same in code and in deploy/rabbitmq/definitions.json.

- `events` (topic): every event is published here, routing key = type without `vn.chibo.`.
- `events.public` (topic): bound from `events` once per public type (`<type>.#`); agencies read
  only here. Public events' keys carry their organisation's path after the type
  (`event_contracts.routing`), so every binding is `<type>.#`.
- `events.dlx` (direct): dead letters, routed by the name of the queue they died in.
- `events.audit` (stream, bound with `#`): every event stays routable and replayable for a while.
- per subscription `<service>.<purpose>` (quorum) + `<queue>.retry.<n>` (TTL back-off,
  dead-lettering back to its own queue only) + `<queue>.dlq`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aio_pika import ExchangeType
from aio_pika.abc import AbstractChannel, AbstractQueue

from event_contracts import CATALOG
from event_contracts.routing import any_path

EVENTS = "events"
PUBLIC = "events.public"
DLX = "events.dlx"
AUDIT = "events.audit"
AUDIT_ARGS: dict[str, Any] = {
    "x-queue-type": "stream",
    "x-max-length-bytes": 2 * 1024**3,
    "x-max-age": "7D",
    "x-stream-max-segment-size-bytes": 64 * 1024**2,
}


@dataclass(frozen=True)
class QueuePolicy:
    retry_delays_seconds: tuple[float, ...]
    delivery_limit: int


def retry_queue(queue: str, step: int) -> str:
    return f"{queue}.retry.{step}"


def dlq(queue: str) -> str:
    return f"{queue}.dlq"


def main_queue_args(queue: str, policy: QueuePolicy) -> dict[str, Any]:
    return {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": DLX,
        "x-dead-letter-routing-key": queue,
        "x-delivery-limit": policy.delivery_limit,
    }


def retry_queue_args(queue: str, delay_seconds: float) -> dict[str, Any]:
    return {
        "x-queue-type": "quorum",
        "x-message-ttl": max(1, int(delay_seconds * 1000)),
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": queue,
    }


DLQ_ARGS: dict[str, Any] = {"x-queue-type": "quorum"}


async def declare_exchanges(channel: AbstractChannel) -> None:
    events = await channel.declare_exchange(EVENTS, ExchangeType.TOPIC, durable=True)
    public = await channel.declare_exchange(PUBLIC, ExchangeType.TOPIC, durable=True)
    await channel.declare_exchange(DLX, ExchangeType.DIRECT, durable=True)
    for spec in CATALOG:
        if spec.public:
            await public.bind(events, routing_key=any_path(spec.routing_key))
    audit = await channel.declare_queue(AUDIT, durable=True, arguments=AUDIT_ARGS)
    await audit.bind(events, routing_key="#")


async def declare_subscription_queue(
    channel: AbstractChannel, queue: str, routing_keys: list[str], policy: QueuePolicy
) -> AbstractQueue:
    """Declare the queue, its retry queues and DLQ; returns the main queue (consume from this
    object: a robust channel restores consumers only of queues it declared itself)."""
    main = await channel.declare_queue(
        queue, durable=True, arguments=main_queue_args(queue, policy)
    )
    for key in routing_keys:
        await main.bind(EVENTS, routing_key=any_path(key))
    for step, delay in enumerate(policy.retry_delays_seconds):
        await channel.declare_queue(
            retry_queue(queue, step), durable=True, arguments=retry_queue_args(queue, delay)
        )
    dead = await channel.declare_queue(dlq(queue), durable=True, arguments=DLQ_ARGS)
    await dead.bind(DLX, routing_key=queue)
    return main
