"""Signing secrets of webhook contact points; several are valid while a rotation's grace runs."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class WebhookSecret(SQLModel, table=True):
    __tablename__ = "webhook_secret"
    __table_args__ = (sa.Index("ix_webhook_secret_contact", "contact_point_id", "created_at"),)

    id: str = Field(primary_key=True, max_length=64)
    contact_point_id: str = Field(max_length=64, foreign_key="contact_point.id")
    secret: str = Field(max_length=100, description="whsec_…, shown once when created")
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    expires_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, description="end of the grace after a rotation"
    )
