"""Rule set versions as stored: immutable rows, the newest one in effect wins."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class RuleSetVersion(SQLModel, table=True):
    __tablename__ = "rule_set_version"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    document: str = Field(sa_type=sa.Text, description="RuleSetDocument as JSON")
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    effective_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow, index=True)
