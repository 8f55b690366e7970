"""Contact points: at most one per (role address, channel); webhooks keep their secrets apart."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from notifications.addresses import organisation_from
from service_kit.db import UTCDateTime, utcnow


class ContactPoint(SQLModel, table=True):
    __tablename__ = "contact_point"
    __table_args__ = (sa.UniqueConstraint("address", "channel", name="uq_contact_point_address"),)

    id: str = Field(primary_key=True, max_length=64)
    address: str = Field(max_length=200, description="role address, e.g. branch-secretary:<id>")
    organisation_id: str | None = Field(
        default=None,
        max_length=200,
        index=True,
        description="organisation of the address (None: province-level); set on insert",
        sa_column_kwargs={"default": organisation_from("address")},
    )
    channel: str = Field(max_length=16, description="email or webhook")
    target: str = Field(max_length=2000, description="e-mail address or webhook URL")
    active: bool = True
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deactivation_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
