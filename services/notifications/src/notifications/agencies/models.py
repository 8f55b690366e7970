"""Agency subscriptions as stored."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class Agency(SQLModel, table=True):
    __tablename__ = "agency"
    __table_args__ = (sa.UniqueConstraint("client_id", name="uq_agency_client"),)

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=40, unique=True, description="slug: ext.<name>.* queues")
    client_id: str = Field(max_length=200, description="the registry's client credentials id")
    channel: str = Field(max_length=16, description="webhook or amqp")
    patterns: str = Field(sa_type=sa.Text, description="JSON list of topic patterns")
    organisation_ids: str = Field(sa_type=sa.Text, description="JSON list of granted subtrees")
    contact_point_id: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
