"""The composition root of a service process: database, bus, outbox relay, consumers, sweeps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from aio_pika.abc import AbstractRobustConnection

from event_contracts import CloudEvent
from service_kit import migrations
from service_kit.bus.connection import Bus
from service_kit.bus.consumer import Consumer, Subscription
from service_kit.bus.topology import QueuePolicy
from service_kit.clock import Clock, clock_from
from service_kit.context import ContextFactory, ServiceContext
from service_kit.db import Database
from service_kit.outbox import OutboxRelay
from service_kit.settings import ServiceSettings
from service_kit.sync_session import Suspended
from service_kit.tasks import cancel_and_wait
from service_kit.uow import UnitOfWork

log = logging.getLogger(__name__)

T = TypeVar("T")

# A sweeper, scheduler or worker: runs for the life of the process with the service's context.
BackgroundTask = Callable[[Any], Coroutine[Any, Any, None]]


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        migrations_dir: Path,
        subscriptions: Sequence[Subscription] = (),
        background: Sequence[BackgroundTask] = (),
        context: ContextFactory = ServiceContext,
    ) -> None:
        self.settings = settings
        self.name = settings.service_name
        self.migrations_dir = migrations_dir
        self.db = Database(settings.database_url)
        self.clock: Clock = clock_from(settings)
        self.bus = Bus(
            settings.amqp_url.get_secret_value(),
            self.name,
            reconnect_seconds=settings.broker_reconnect_seconds,
            publish_timeout_seconds=settings.publish_timeout_seconds,
        )
        self.relay = OutboxRelay(
            self.db,
            self.bus,
            self.name,
            batch_size=settings.outbox_batch_size,
            poll_seconds=settings.outbox_poll_seconds,
            max_backoff_seconds=settings.outbox_max_backoff_seconds,
            place_attempts=settings.outbox_place_attempts,
        )
        # Built last but one: it may read the runtime's database, clock and settings.
        self.context = context(self)
        policy = QueuePolicy(tuple(settings.retry_delays_seconds), settings.delivery_limit)
        self.consumers = [
            Consumer(
                self.bus,
                self.uow,
                sub,
                context=self.context,
                service=self.name,
                policy=policy,
                max_attempts=settings.max_attempts,
                prefetch=settings.prefetch,
                concurrency=settings.effective_concurrency,
                batch_size=settings.consumer_batch_size,
                # SQLite: deliveries in commit groups on the sync driver's thread (#12).
                grouped=self.grouped if self.groups_background_work else None,
            )
            for sub in subscriptions
        ]
        self.bus.on_connected(self._attach_consumers)
        self._background = list(background)
        self._tasks: list[asyncio.Task[Any]] = []

    def uow(
        self, *, causation: CloudEvent | None = None, correlation_id: str | None = None
    ) -> UnitOfWork:
        return UnitOfWork(
            self.db,
            source=self.settings.source,
            on_commit=self.relay.nudge,
            causation=causation,
            correlation_id=correlation_id,
            clock=self.clock,
        )

    async def grouped(
        self, unit: Callable[[UnitOfWork], Awaitable[T]], *, correlation_id: str | None = None
    ) -> T:
        """Run `unit` in a unit of work of the next commit group (`service_kit.group`): it
        commits as it would alone (`await uow.commit()`), its result comes back once the group's
        transaction is durable, and its failure refuses it alone. `unit` must await nothing but
        its session (on SQLite it runs on the group's thread)."""

        def make(session: Any) -> UnitOfWork:
            return UnitOfWork(
                self.db,
                source=self.settings.source,
                on_commit=self.relay.nudge,
                correlation_id=correlation_id,
                clock=self.clock,
                session=session,
            )

        return await self.db.group.run(unit, make)

    @property
    def groups_background_work(self) -> bool:
        """Consumers' deliveries and sweeps join commit groups on SQLite only: what they gain
        there is the sync driver's thread (no hop per statement)."""
        return self.db.is_sqlite and self.db.group.enabled

    async def on_writer(self, unit: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Background work (a sweep's batch): in a commit group on SQLite, where the batch's
        statements then run on the writer's thread with the sync driver instead of a thread hop
        each; a unit that awaits more than its session (`Suspended`, rolled back) and every
        unit on PostgreSQL run in a unit of work of their own."""
        if self.groups_background_work:
            try:
                return await self.grouped(unit)
            except Suspended:
                log.info("unit not groupable, run alone")
        async with self.uow() as uow:
            return await unit(uow)

    async def _attach_consumers(self, connection: AbstractRobustConnection) -> None:
        for consumer in self.consumers:
            await consumer.attach(connection)

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self.bus.run(), name="bus"))
        self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        for task in self._background:
            self._tasks.append(
                asyncio.create_task(task(self.context), name=getattr(task, "__name__", "bg"))
            )

    async def stop(self) -> None:
        for consumer in self.consumers:
            await consumer.stop()
        await cancel_and_wait(self._tasks)
        self._tasks.clear()
        await self.bus.close()
        await self.db.dispose()

    async def readiness(self) -> dict[str, str]:
        """Each check's state; ready only when every one is `ok`."""
        checks: dict[str, str] = {}
        try:
            await self.db.ping()
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            at_head = await migrations.is_at_head(self.db, self.migrations_dir)
            checks["migrations"] = "ok" if at_head else "behind head"
        except Exception as exc:
            checks["migrations"] = f"error: {type(exc).__name__}"
        checks["broker"] = "ok" if self.bus.is_connected else "disconnected"
        for consumer in self.consumers:
            checks[f"consumer:{consumer.queue_name}"] = (
                "ok" if consumer.attached and self.bus.is_connected else "not attached"
            )
        return checks
