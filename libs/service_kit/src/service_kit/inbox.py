"""Inbox: each consumer applies each event at most once.

The (consumer, source, event id) row is the first statement of the handler's transaction, so the
dedup record and the handler's effects commit or roll back together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class InboxEvent(SQLModel, table=True):
    __tablename__ = "inbox_event"

    consumer: str = Field(primary_key=True, max_length=200)
    source: str = Field(primary_key=True, max_length=200)
    event_id: str = Field(primary_key=True, max_length=64)
    event_type: str = Field(max_length=200)
    received_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


async def record_once(
    session: AsyncSession, *, consumer: str, source: str, event_id: str, event_type: str
) -> bool:
    """Insert the inbox row; False when this consumer already applied this event."""
    values = {
        "consumer": consumer,
        "source": source,
        "event_id": event_id,
        "event_type": event_type,
        "received_at": utcnow(),
    }
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(InboxEvent).values(**values).on_conflict_do_nothing()
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]
