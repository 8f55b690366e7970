"""Unit of work: the state change and the events it causes commit together, or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts import CloudEvent, EventData, make_event
from service_kit.clock import Clock, SystemClock
from service_kit.db import Database
from service_kit.outbox import ROWS_PER_INSERT, OutboxEvent, outbox_row


class UnitOfWork:
    """`async with factory() as uow:` … `uow.emit(data, subject=…)` … `await uow.commit()`.

    Leaving the block without `commit()` rolls everything back, events included. After a commit
    the relay is nudged, so the events usually leave within milliseconds; if the broker is away
    they wait in the outbox.
    """

    def __init__(
        self,
        db: Database,
        *,
        source: str,
        on_commit: Callable[[], None] | None = None,
        causation: CloudEvent | None = None,
        correlation_id: str | None = None,
        clock: Clock | None = None,
        session: Any = None,
    ) -> None:
        """`session`: given by a commit group (`service_kit.group`): the unit then runs in its
        own savepoint of the group's transaction, `commit()` releases the savepoint, and the
        after-commit effects wait for the group's commit (`run_effects`)."""
        self.db = db
        self.clock: Clock = clock or SystemClock()
        self.source = source
        self._on_commit = on_commit
        self.causation = causation
        self.correlation_id = correlation_id or (causation.correlationid if causation else None)
        self.events: list[CloudEvent] = []
        self._after_commit: list[Callable[[], None]] = []
        self._session: AsyncSession | None = None
        self._given_session = session
        self.defer_effects = False
        self.committed = False

    def now(self) -> datetime:
        """The injected clock's time: what every timestamp written in this unit records."""
        return self.clock.now()

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._given_session or self.db.sessions()
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if not self.committed:
                await session.rollback()
        finally:
            await session.close()
            self._session = None

    def _event(self, data: EventData, subject: str) -> CloudEvent:
        return make_event(
            data,
            source=self.source,
            subject=subject,
            correlationid=self.correlation_id,
            causationid=self.causation.id if self.causation else None,
            traceparent=self.causation.traceparent if self.causation else None,
        )

    def emit(self, data: EventData, *, subject: str) -> CloudEvent:
        event = self._event(data, subject)
        self.session.add(OutboxEvent.from_event(event))
        self.events.append(event)
        return event

    async def emit_many(self, items: Iterable[tuple[EventData, str]]) -> list[CloudEvent]:
        """`emit` for many (data, subject) pairs at once: the same events, their outbox rows
        written now as multi-row INSERTs instead of one ORM object each (imports, the request
        sweep)."""
        events = [self._event(data, subject) for data, subject in items]
        rows = [outbox_row(event) for event in events]
        insert = sa.insert(OutboxEvent.__table__)
        for start in range(0, len(rows), ROWS_PER_INSERT):
            await self.session.execute(insert, rows[start : start + ROWS_PER_INSERT])
        self.events.extend(events)
        return events

    def after_commit(self, effect: Callable[[], None]) -> None:
        """Run `effect` once the unit commits (a metric counted only for what was kept)."""
        self._after_commit.append(effect)

    async def commit(self) -> None:
        await self.session.commit()
        self.committed = True
        if not self.defer_effects:
            self.run_effects()

    def run_effects(self) -> None:
        """The after-commit effects and the relay's nudge (a group runs them after its commit)."""
        for effect in self._after_commit:
            effect()
        if self.events and self._on_commit is not None:
            self._on_commit()


class UnitOfWorkFactory(Protocol):
    def __call__(
        self, *, causation: CloudEvent | None = None, correlation_id: str | None = None
    ) -> UnitOfWork: ...
