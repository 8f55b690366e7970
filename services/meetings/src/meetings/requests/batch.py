"""A sweep batch's requests as plain rows: claimed and read in one query, and what acting on them
writes — their new state, the actions done, the timeline entries — in one statement per table,
with no ORM object per row (building and flushing those cost the sweep more than deciding)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts import EventData
from meetings.requests.lifecycle import OPEN
from meetings.requests.models import Request, RequestActionDone, RequestTimelineEntry
from meetings.requests.service import RequestRow, Writes, timeline_entry
from service_kit.uow import UnitOfWork


@dataclass(slots=True)
class DueRequest:
    """The columns of a request that acting on it reads or changes (`service.RequestRow`)."""

    id: str
    branch_id: str
    meeting_id: str | None
    subject: str
    category: str | None
    addressee_id: str
    status: str
    level: int
    level_organisation_id: str
    level_kind: str
    level_started_at: datetime
    acknowledged_at: datetime | None
    next_check_at: datetime | None
    version: int
    created_at: datetime


_TABLE = Request.__table__
_READ = [_TABLE.c[f.name] for f in fields(DueRequest)]
# What acting on a request may change of it (service.process_due, service._escalate).
_CHANGED = (
    "status",
    "level",
    "level_organisation_id",
    "level_kind",
    "level_started_at",
    "acknowledged_at",
    "next_check_at",
    "version",
)
_SAVE = (
    sa.update(_TABLE)
    .where(_TABLE.c.id == sa.bindparam("_id"))
    .values({_TABLE.c[name]: sa.bindparam(f"_{name}") for name in _CHANGED})
)


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[DueRequest]:
    """Up to `limit` open requests whose check has come, earliest first. On PostgreSQL the rows
    are locked with SKIP LOCKED, as `service_kit.claims.claim` does, so replicas split the work;
    on SQLite the batch's transaction is the one writer."""
    stmt = (
        sa.select(*_READ)
        .where(
            _TABLE.c.next_check_at <= now,
            _TABLE.c.status.in_([s.value for s in OPEN]),
        )
        .order_by(_TABLE.c.next_check_at, _TABLE.c.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return [DueRequest(*row) for row in await session.execute(stmt)]


class BatchWrites(Writes):
    """Gathers the rows a batch's actions add, and writes them with the batch's requests in one
    statement per table (`save`), the events' outbox rows likewise (`UnitOfWork.emit_many`)."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__(uow)
        self._done: list[dict[str, Any]] = []
        self._timeline: list[dict[str, Any]] = []
        self._events: list[tuple[EventData, str]] = []

    def emit(self, data: EventData, *, subject: str) -> None:
        self._events.append((data, subject))

    def done(self, request_id: str, key: str, at: datetime) -> None:
        self._done.append({"request_id": request_id, "key": key, "at": at})

    def timeline(
        self,
        row: RequestRow,
        at: datetime,
        kind: str,
        *,
        actor: str | None = None,
        text: str | None = None,
        **details: Any,
    ) -> None:
        self._timeline.append(timeline_entry(row, at, kind, actor=actor, text=text, **details))

    async def save(self, rows: list[DueRequest]) -> None:
        """The requests' new state and the gathered rows, in the order they were taken."""
        session = self.uow.session
        if rows:
            await session.execute(
                _SAVE,
                [
                    {"_id": row.id, **{f"_{name}": getattr(row, name) for name in _CHANGED}}
                    for row in rows
                ],
            )
        if self._done:
            await session.execute(sa.insert(RequestActionDone.__table__), self._done)
        if self._timeline:
            await session.execute(sa.insert(RequestTimelineEntry.__table__), self._timeline)
        if self._events:
            await self.uow.emit_many(self._events)
