"""One row per branch and month: the meeting expected, due at the end of the window + grace."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime


class MeetingExpectation(SQLModel, table=True):
    __tablename__ = "meeting_expectation"
    __table_args__ = (sa.Index("ix_meeting_expectation_due", "status", "due_at"),)

    branch_id: str = Field(primary_key=True, max_length=64)
    period: str = Field(primary_key=True, max_length=7, description="YYYY-MM")
    window_from_day: int
    window_to_day: int
    due_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="expected", max_length=16, description="expected, met, missed")
    meeting_id: str | None = Field(default=None, max_length=64)
    settled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
