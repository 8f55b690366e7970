"""Reminders sent: the unique key makes each one happen once, whatever the restarts."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class SentReminder(SQLModel, table=True):
    __tablename__ = "sent_reminder"

    id: str = Field(primary_key=True, max_length=64, description="hash of the key")
    key: str = Field(max_length=400, description="kind:branch:period:recipient")
    kind: str = Field(max_length=40)
    recipient: str = Field(max_length=200)
    due_on: date
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
