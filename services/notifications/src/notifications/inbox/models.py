"""Notifications as stored: exactly one per (event, recipient, channel)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from notifications.addresses import organisation_from
from service_kit.db import UTCDateTime, utcnow


class Notification(SQLModel, table=True):
    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "recipient", "channel", name="uq_notification_delivery"),
        sa.Index("ix_notification_recipient", "recipient", "id"),
        sa.Index("ix_notification_unread", "recipient", "read_at"),
    )

    id: str = Field(primary_key=True, max_length=64)
    event_id: str = Field(max_length=64)
    event_type: str = Field(max_length=200)
    recipient: str = Field(max_length=200, description="role address, e.g. branch-secretary:<id>")
    organisation_id: str | None = Field(
        default=None,
        max_length=200,
        index=True,
        description="organisation of the recipient (None: province-level); set on insert",
        sa_column_kwargs={"default": organisation_from("recipient")},
    )
    channel: str = Field(max_length=16)
    subject: str = Field(max_length=300)
    body: str = Field(sa_type=sa.Text)
    urgent: bool = False
    rule_set_version: int = Field(default=0, description="rules and templates that produced it")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
