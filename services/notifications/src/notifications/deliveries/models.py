"""Deliveries and their attempts as stored."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from notifications.addresses import organisation_from
from service_kit.db import UTCDateTime, utcnow


class Delivery(SQLModel, table=True):
    """Status: pending (due at `next_attempt_at`) → delivered | failed (replayable)."""

    __tablename__ = "delivery"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "recipient", "channel", name="uq_delivery_once"),
        sa.Index("ix_delivery_due", "status", "next_attempt_at"),
        sa.Index("ix_delivery_contact", "contact_point_id", "status"),
        sa.Index("ix_delivery_recipient", "recipient", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=64, description="also the webhook-id")
    event_id: str = Field(max_length=64)
    event_type: str = Field(max_length=200)
    recipient: str = Field(max_length=200)
    organisation_id: str | None = Field(
        default=None,
        max_length=200,
        index=True,
        description="organisation of the recipient (None: province-level); set on insert",
        sa_column_kwargs={"default": organisation_from("recipient")},
    )
    channel: str = Field(max_length=16)
    urgency: str = Field(max_length=16)
    rule_id: str = Field(max_length=100)
    rule_set_version: int
    contact_point_id: str | None = Field(
        default=None,
        max_length=64,
        foreign_key="contact_point.id",
        description="None: e-mail to the people the registry names, looked up when sending",
    )
    target: str | None = Field(
        default=None, max_length=2000, description="where the last attempt went"
    )
    subject: str = Field(default="", max_length=2000)
    body: str = Field(sa_type=sa.Text, description="e-mail text, or the CloudEvent JSON sent")
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0, description="attempts since created or last replayed")
    next_attempt_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    last_status_code: int | None = None


class DeliveryAttempt(SQLModel, table=True):
    """Every attempt, whatever came of it."""

    __tablename__ = "delivery_attempt"
    __table_args__ = (sa.Index("ix_delivery_attempt_delivery", "delivery_id", "started_at"),)

    id: str = Field(primary_key=True, max_length=64)
    delivery_id: str = Field(max_length=64, foreign_key="delivery.id")
    started_at: datetime = Field(sa_type=UTCDateTime)
    duration_ms: float
    outcome: str = Field(max_length=16, description="delivered, retry, failed or gone")
    status_code: int | None = None
    error: str | None = Field(default=None, sa_type=sa.Text)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
