"""Organisation nodes with their (effective-dated) parent link."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"

    id: str = Field(primary_key=True, max_length=64)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=40)
    parent_id: str | None = Field(default=None, foreign_key="organisation.id", max_length=64)
    valid_from: date
    valid_to: date | None = None
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
