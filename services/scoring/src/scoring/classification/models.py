"""One annual classification per (year, subject): the proposal, then the committee's decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class Classification(SQLModel, table=True):
    __tablename__ = "classification"
    __table_args__ = (sa.Index("ix_classification_year_type", "year", "subject_type"),)

    classification_id: str = Field(primary_key=True, max_length=100)
    year: int
    subject_type: str = Field(max_length=16)
    subject_id: str = Field(max_length=64)
    branch_id: str | None = Field(default=None, max_length=64)
    group: str = Field(max_length=64)
    points: float | None = None
    proposed_level: str | None = Field(default=None, max_length=16)
    capped_by_quota: bool = False
    excluded_reason: str | None = Field(default=None, max_length=300)
    reason: str = Field(max_length=1000)
    basis: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    version: int = 1
    proposed_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    decided_level: str | None = Field(default=None, max_length=16)
    decision_reason: str | None = Field(default=None, max_length=1000)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
