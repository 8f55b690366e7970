"""Items waiting for a person's digest, and the digests sent (one per person and local day)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class DigestItem(SQLModel, table=True):
    """One e-mail that went into a digest instead of being sent at once (once per event)."""

    __tablename__ = "digest_item"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "recipient", name="uq_digest_item_once"),
        sa.Index("ix_digest_item_pending", "digest_id", "recipient"),
    )

    id: str = Field(primary_key=True, max_length=64)
    event_id: str = Field(max_length=64)
    event_type: str = Field(max_length=200)
    recipient: str = Field(max_length=200)
    subject: str = Field(max_length=2000)
    urgent: bool = False
    reason: str = Field(max_length=16, description="routine, or budget when an immediate folded")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    digest_id: str | None = Field(default=None, max_length=64)


class Digest(SQLModel, table=True):
    __tablename__ = "digest"
    __table_args__ = (sa.UniqueConstraint("recipient", "local_on", name="uq_digest_per_day"),)

    id: str = Field(primary_key=True, max_length=64, description="also the delivery's event id")
    recipient: str = Field(max_length=200)
    local_on: date = Field(description="the Vietnam-time day it was sent for")
    item_count: int
    delivery_id: str | None = Field(default=None, max_length=64, description="null: no e-mail")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
