"""Transactional outbox: events are rows written with the state change, published by a relay.

The relay marks a row published only after the broker's confirm, backs off on failure and never
drops a row. Intake never waits on the broker: a commit nudges the relay and returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col

from event_contracts import CloudEvent
from service_kit import metrics
from service_kit.bus.connection import Bus, OutgoingMessage
from service_kit.bus.paths import OrganisationPaths
from service_kit.claims import claim
from service_kit.db import Database, UTCDateTime, utcnow

log = logging.getLogger(__name__)


class OutboxEvent(SQLModel, table=True):
    __tablename__ = "outbox_event"
    __table_args__ = (sa.Index("ix_outbox_event_pending", "published_at", "available_at"),)

    id: str = Field(primary_key=True, max_length=64, description="the CloudEvent id")
    event_type: str = Field(max_length=200)
    routing_key: str = Field(max_length=200)
    payload: str = Field(sa_type=sa.Text, description="the complete CloudEvent as JSON")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    available_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=sa.Text)

    @classmethod
    def from_event(cls, event: CloudEvent) -> OutboxEvent:
        return cls(**outbox_row(event))


# A statement carries at most 32,767 parameters on both drivers; a row has 9 columns.
ROWS_PER_INSERT = 3_000


def outbox_row(event: CloudEvent) -> dict[str, Any]:
    """The outbox row of an event, as column values. `available_at` is the relay's own clock:
    publishing is never postponed by a business clock that a demo moved ahead."""
    return {
        "id": event.id,
        "event_type": event.type,
        "routing_key": event.routing_key,
        "payload": event.to_json().decode(),
        "created_at": event.time,
        "available_at": utcnow(),
        "published_at": None,
        "attempts": 0,
        "last_error": None,
    }


def to_message(row: OutboxEvent, routing_key: str | None = None) -> OutgoingMessage:
    return OutgoingMessage(routing_key=routing_key or row.routing_key, body=row.payload.encode())


# A public event about an organisation this service's tree does not know yet (its replica has
# not had the registration: the registry's events and this event came by different queues) is
# held back and retried with the relay's backoff (1, 2, 4 … 32 s: about two minutes in all);
# after that many attempts (`outbox_place_attempts`) it leaves with the path known (its own id
# only), where an agency bound to a subtree would miss it. Counted in attempts, not the event's
# time (a service's clock may be moved).
PLACE_ATTEMPTS = 7


class NotPlacedYet(Exception):
    """The outcome of a row held back until its organisation is in the tree."""


class OutboxRelay:
    """Publishes pending rows in batches with confirms in flight; safe with many replicas on
    PostgreSQL (rows are claimed with SKIP LOCKED), one per service on SQLite."""

    def __init__(
        self,
        db: Database,
        bus: Bus,
        service: str,
        *,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        max_backoff_seconds: float = 60.0,
        place_attempts: int = PLACE_ATTEMPTS,
    ) -> None:
        self.db, self.bus, self.service = db, bus, service
        self.place_attempts = place_attempts
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.max_backoff = max_backoff_seconds
        self._wake = asyncio.Event()
        # Public events leave with their organisation's path in the key (`bus.paths`).
        self.paths: OrganisationPaths | None = None

    def nudge(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                published = await self.publish_pending() if self.bus.is_connected else 0
                await self._refresh_gauges()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay pass failed; retrying")
                published = 0
            if published < self.batch_size:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def publish_pending(self) -> int:
        """One pass: claim a batch, publish it, record the outcome of each row."""
        pending = col(OutboxEvent.published_at).is_(None)
        due = col(OutboxEvent.available_at) <= utcnow()
        order = (OutboxEvent.created_at, OutboxEvent.id)
        if self.db.is_sqlite:
            # Never hold SQLite's write lock across broker I/O: read (one hop on the reader
            # thread), publish, then record in the next commit group — the one writer, so the
            # relay never waits on SQLite's busy handler for the intake's lock.
            async def batch(session: Any) -> tuple[list[OutboxEvent], list[OutgoingMessage]]:
                rows = await claim(
                    session,
                    OutboxEvent,
                    pending,
                    due,
                    order_by=order,
                    limit=self.batch_size,
                    lock=False,
                )
                return rows, await self._messages(session, rows)

            rows, messages = await self.db.read(batch)
            if not rows:
                return 0
            outcomes = await self._publish(messages)
            if self.db.group.enabled:
                await self.db.group.write(lambda session: self._record(session, rows, outcomes))
            else:
                async with self.db.transaction() as session:
                    await self._record(session, rows, outcomes)
            return len(rows)
        async with self.db.transaction() as session:
            rows = await claim(
                session, OutboxEvent, pending, due, order_by=order, limit=self.batch_size, lock=True
            )
            if not rows:
                return 0
            outcomes = await self._publish(await self._messages(session, rows))
            await self._record(session, rows, outcomes)
        return len(rows)

    async def _messages(
        self, session: Any, rows: list[OutboxEvent]
    ) -> list[OutgoingMessage | None]:
        """Each row's message, or None for a row held back (`place_attempts`)."""
        if self.paths is None or not rows:
            return [to_message(r) for r in rows]
        placed = await self.paths.placed(session, [(r.routing_key, r.payload) for r in rows])
        return [
            to_message(r, key) if known or r.attempts >= self.place_attempts else None
            for r, (key, known) in zip(rows, placed, strict=True)
        ]

    async def _publish(self, messages: list[OutgoingMessage | None]) -> list[BaseException | None]:
        ready = [m for m in messages if m is not None]
        sent = iter(await self.bus.publish_many(ready) if ready else [])
        return [next(sent) if m is not None else NotPlacedYet() for m in messages]

    async def _record(
        self, session: Any, rows: list[OutboxEvent], outcomes: list[BaseException | None]
    ) -> None:
        now = utcnow()
        ok_ids = [r.id for r, err in zip(rows, outcomes, strict=True) if err is None]
        if ok_ids:
            await session.execute(
                sa.update(OutboxEvent)
                .where(col(OutboxEvent.id).in_(ok_ids))
                .values(published_at=now)
            )
        for row, err in zip(rows, outcomes, strict=True):
            outcome = "confirmed" if err is None else type(err).__name__
            metrics.EVENTS_PUBLISHED.labels(self.service, row.event_type, outcome).inc()
            if err is None:
                continue
            attempts = row.attempts + 1
            delay = min(self.max_backoff, 0.5 * 2 ** min(attempts, 20))
            await session.execute(
                sa.update(OutboxEvent)
                .where(col(OutboxEvent.id) == row.id)
                .values(
                    attempts=attempts,
                    available_at=now + timedelta(seconds=delay),
                    last_error=f"{type(err).__name__}: {err}"[:1000],
                )
            )
            log.log(
                logging.INFO if isinstance(err, NotPlacedYet) else logging.WARNING,
                "outbox event held: organisation not in the tree yet"
                if isinstance(err, NotPlacedYet)
                else "outbox publish failed",
                extra={"outbox_id": row.id, "attempts": attempts, "error": type(err).__name__},
            )

    async def _refresh_gauges(self) -> None:
        async with self.db.session() as session:
            count, oldest = (
                await session.execute(
                    sa.select(sa.func.count(), sa.func.min(OutboxEvent.created_at)).where(
                        col(OutboxEvent.published_at).is_(None)
                    )
                )
            ).one()
        metrics.OUTBOX_PENDING.labels(self.service).set(count)
        if oldest is not None and oldest.tzinfo is None:
            oldest = UTCDateTime().process_result_value(oldest, self.db.engine.dialect)
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        metrics.OUTBOX_OLDEST_AGE.labels(self.service).set(max(age, 0.0))

    async def pending_count(self) -> int:
        async with self.db.session() as session:
            return int(
                (
                    await session.execute(
                        sa.select(sa.func.count()).where(col(OutboxEvent.published_at).is_(None))
                    )
                ).scalar_one()
            )
