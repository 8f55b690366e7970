"""Consuming: inbox row first, the handler's effects and outbox rows in one transaction, ack
after commit.

Outcomes: `ack`; `duplicate` (inbox already has it); `retry` (a transient failure: a copy goes to
the retry queue for the next back-off step, with `x-retry-count`, then the original is acked);
`dead_letter` (unreadable envelope, unknown type, a permanent failure, or retries used up: rejected
without requeue, so the broker moves it to `<queue>.dlq`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aio_pika import Message
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from event_contracts import CloudEvent, EnvelopeError, EventData, parse_envelope
from service_kit import metrics
from service_kit.bus import topology
from service_kit.bus.connection import Bus
from service_kit.errors import PermanentError
from service_kit.inbox import record_once
from service_kit.logging import correlation_id_var, event_id_var, event_type_var
from service_kit.sync_session import Suspended
from service_kit.tasks import cancel_and_wait
from service_kit.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

# (the service's context, the unit of work, the envelope, its data) → effects in the unit of work
Handler = Callable[[Any, UnitOfWork, CloudEvent, EventData], Awaitable[None]]
# Runs `async def unit(uow)` in the next commit group (`ServiceRuntime.grouped`).
Grouped = Callable[[Callable[[UnitOfWork], Awaitable[Any]]], Awaitable[Any]]
RETRY_HEADER = "x-retry-count"


@dataclass(frozen=True)
class Subscription:
    """One queue: `<service>.<purpose>`, bound to `routing_keys`, each event type to its handler."""

    purpose: str
    handlers: dict[str, Handler]
    description: str = ""
    extra_keys: tuple[str, ...] = field(default=())
    # Every handler awaits nothing but its session (no loop, no network): on SQLite deliveries
    # may then run in commit groups on the sync driver's thread (`Consumer.grouped`).
    groupable: bool = False

    @property
    def routing_keys(self) -> list[str]:
        return [*self.handlers, *self.extra_keys]


class Consumer:
    def __init__(
        self,
        bus: Bus,
        uow_factory: UnitOfWorkFactory,
        subscription: Subscription,
        *,
        context: Any,
        service: str,
        policy: topology.QueuePolicy,
        max_attempts: int,
        prefetch: int,
        concurrency: int,
        batch_size: int = 1,
        grouped: Grouped | None = None,
    ) -> None:
        self.bus, self.uow_factory, self.subscription = bus, uow_factory, subscription
        # Commit groups (SQLite): a batch's transaction runs on the group writer's thread with
        # the sync driver. A handler that awaits more than its session cannot: its event types
        # are then handled in a transaction of their own from the first time on.
        self.grouped = grouped if subscription.groupable else None
        self._ungroupable: set[str] = set()
        self.context = context
        self.service = service
        self.queue_name = f"{service}.{subscription.purpose}"
        self.policy, self.max_attempts = policy, max_attempts
        self.prefetch = prefetch
        self.concurrency, self.batch_size = concurrency, max(1, batch_size)
        self._pending: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self.attached = False

    async def attach(self, connection: AbstractRobustConnection) -> None:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=self.prefetch)
        queue = await topology.declare_subscription_queue(
            channel, self.queue_name, self.subscription.routing_keys, self.policy
        )
        if not self._workers:
            self._workers = [
                asyncio.create_task(self._work(), name=f"consumer:{self.queue_name}")
                for _ in range(self.concurrency)
            ]
        await queue.consume(self.on_message, consumer_tag=f"{self.service}-{self.queue_name}")
        self.attached = True
        metrics.CONSUMERS_ATTACHED.labels(self.service, self.queue_name).set(1)
        log.info("consumer attached", extra={"queue": self.queue_name})

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        await self._pending.put(message)

    async def stop(self) -> None:
        await cancel_and_wait(self._workers)
        self._workers.clear()

    async def _work(self) -> None:
        """Take what has arrived (up to `batch_size`) and handle it in one transaction."""
        while True:
            batch = [await self._pending.get()]
            while len(batch) < self.batch_size and not self._pending.empty():
                batch.append(self._pending.get_nowait())
            try:
                if len(batch) == 1:
                    await self._handle(batch[0])
                else:
                    await self._handle_batch(batch)
            except asyncio.CancelledError:
                raise
            except Exception:
                # The channel went away mid-ack: the broker redelivers; the inbox absorbs repeats.
                log.warning(
                    "delivery outcome not recorded; the broker will redeliver",
                    exc_info=True,
                    extra={"queue": self.queue_name},
                )

    async def _handle_batch(self, batch: list[AbstractIncomingMessage]) -> None:
        """Several deliveries, one transaction: inbox rows, effects and outbox rows together,
        acks after the commit. If anything fails, each is handled alone so that one poison
        message retries or dead-letters by itself while the others go through."""
        started = time.perf_counter()
        ready: list[tuple[AbstractIncomingMessage, CloudEvent, EventData, Handler]] = []
        for message in batch:
            try:
                event, data = parse_envelope(message.body)
            except EnvelopeError as exc:
                await self._dead_letter(message, message.type or "unknown", f"unreadable: {exc}")
                continue
            handler = self.subscription.handlers.get(event.routing_key)
            if handler is None:
                await self._dead_letter(message, event.type, "no handler for this type here")
                continue
            ready.append((message, event, data, handler))
        if not ready:
            return
        outcomes: list[str] = []

        async def unit(uow: UnitOfWork) -> None:
            outcomes.clear()
            for _, event, data, handler in ready:
                uow.causation, uow.correlation_id = event, event.correlationid
                first = await record_once(
                    uow.session,
                    consumer=self.queue_name,
                    source=event.source,
                    event_id=event.id,
                    event_type=event.type,
                )
                if first:
                    await handler(self.context, uow, event, data)
                outcomes.append("ack" if first else "duplicate")
            await uow.commit()

        try:
            await self._in_transaction(unit, [event.routing_key for _, event, _, _ in ready])
        except asyncio.CancelledError:
            raise
        except Exception:
            log.info(
                "batch failed; handling its deliveries one by one",
                extra={"queue": self.queue_name, "size": len(ready)},
            )
            for message, *_ in ready:
                await self._handle(message)
            return
        elapsed = (time.perf_counter() - started) / len(ready)
        now = datetime.now(UTC)
        for (message, event, _, _), outcome in zip(ready, outcomes, strict=True):
            await message.ack()
            self._count(event.type, outcome)
            metrics.HANDLER_DURATION.labels(self.service, self.queue_name, event.type).observe(
                elapsed
            )
            metrics.DELIVERY_LAG.labels(self.service, self.queue_name, event.type).observe(
                max((now - event.time).total_seconds(), 0.0)
            )
        log.info("events handled", extra={"queue": self.queue_name, "count": len(ready)})

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        started = time.perf_counter()
        event_type = message.type or "unknown"
        try:
            event, data = parse_envelope(message.body)
        except EnvelopeError as exc:
            await self._dead_letter(message, event_type, f"unreadable: {exc}")
            return
        event_type = event.type
        tokens = (
            event_id_var.set(event.id),
            event_type_var.set(event.type),
            correlation_id_var.set(event.correlationid),
        )
        try:
            handler = self.subscription.handlers.get(event.routing_key)
            if handler is None:
                await self._dead_letter(message, event_type, "no handler for this type here")
                return
            try:
                outcome = await self._apply(handler, event, data)
            except PermanentError as exc:
                await self._dead_letter(message, event_type, f"permanent: {exc}")
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self._retry(message, event_type, exc)
                return
            await message.ack()
            self._count(event_type, outcome)
            metrics.HANDLER_DURATION.labels(self.service, self.queue_name, event_type).observe(
                time.perf_counter() - started
            )
            lag = (datetime.now(UTC) - event.time).total_seconds()
            metrics.DELIVERY_LAG.labels(self.service, self.queue_name, event_type).observe(
                max(lag, 0.0)
            )
            log.info("event handled", extra={"queue": self.queue_name, "outcome": outcome})
        finally:
            for var, token in zip(
                (event_id_var, event_type_var, correlation_id_var), tokens, strict=True
            ):
                var.reset(token)

    async def _in_transaction(
        self, unit: Callable[[UnitOfWork], Awaitable[Any]], routing_keys: list[str]
    ) -> Any:
        """`unit` in a commit group when it can be, else in a unit of work of its own."""
        if self.grouped is not None and not self._ungroupable.intersection(routing_keys):
            try:
                return await self.grouped(unit)
            except Suspended:  # rolled back: it awaited more than its session
                self._ungroupable.update(routing_keys)
                log.info("handler not groupable", extra={"queue": self.queue_name})
        async with self.uow_factory() as uow:
            return await unit(uow)

    async def _apply(self, handler: Handler, event: CloudEvent, data: EventData) -> str:
        async def unit(uow: UnitOfWork) -> str:
            uow.causation, uow.correlation_id = event, event.correlationid
            first = await record_once(
                uow.session,
                consumer=self.queue_name,
                source=event.source,
                event_id=event.id,
                event_type=event.type,
            )
            if not first:
                return "duplicate"
            await handler(self.context, uow, event, data)
            await uow.commit()
            return "ack"

        return str(await self._in_transaction(unit, [event.routing_key]))

    async def _retry(
        self, message: AbstractIncomingMessage, event_type: str, exc: Exception
    ) -> None:
        raw = (message.headers or {}).get(RETRY_HEADER, 0)
        attempt = (raw if isinstance(raw, int) else 0) + 1
        if attempt >= self.max_attempts:
            await self._dead_letter(
                message,
                event_type,
                f"gave up after {attempt} attempts: {type(exc).__name__}: {exc}",
            )
            return
        delays = self.policy.retry_delays_seconds
        step = min(attempt - 1, len(delays) - 1)
        headers = dict(message.headers or {})
        headers[RETRY_HEADER] = attempt
        headers["x-last-error"] = f"{type(exc).__name__}: {exc}"[:500]
        copy = Message(
            message.body,
            headers=headers,
            content_type=message.content_type,
            delivery_mode=message.delivery_mode,
            message_id=message.message_id,
            type=message.type,
            app_id=message.app_id,
            correlation_id=message.correlation_id,
        )
        try:
            await self.bus.publish_raw("", topology.retry_queue(self.queue_name, step), copy)
        except Exception:
            # Could not park it for later: let the broker redeliver (bounded by x-delivery-limit).
            log.warning("retry publish failed; requeueing", extra={"queue": self.queue_name})
            await message.nack(requeue=True)
            return
        await message.ack()
        self._count(event_type, "retry")
        log.warning(
            "event handling failed; will retry",
            extra={
                "queue": self.queue_name,
                "attempt": attempt,
                "error": type(exc).__name__,
                "detail": str(exc)[:300],
            },
        )

    async def _dead_letter(
        self, message: AbstractIncomingMessage, event_type: str, why: str
    ) -> None:
        await message.reject(requeue=False)
        self._count(event_type, "dead_letter")
        log.error(
            "event dead-lettered",
            extra={"queue": self.queue_name, "reason": why[:500], "message_id": message.message_id},
        )

    def _count(self, event_type: str, outcome: str) -> None:
        metrics.EVENTS_CONSUMED.labels(self.service, self.queue_name, event_type, outcome).inc()
