"""The formality signals of a meeting, one row following its latest version."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class MeetingFormality(SQLModel, table=True):
    __tablename__ = "meeting_formality"
    __table_args__ = (sa.Index("ix_meeting_formality_branch_held", "branch_id", "held_on"),)

    meeting_id: str = Field(primary_key=True, max_length=64)
    branch_id: str = Field(max_length=64)
    held_on: date
    meeting_version: int
    rules_id: str = Field(max_length=64)
    rules_version: str = Field(max_length=32)
    signals: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    assessed_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
