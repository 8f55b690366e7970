"""Reports expected from observers, and the reports filed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime


class ObserverReport(SQLModel, table=True):
    """One per (meeting, observer): expected when the meeting is logged, filed later."""

    __tablename__ = "observer_report"
    __table_args__ = (sa.Index("ix_observer_report_due", "status", "due_at"),)

    meeting_id: str = Field(primary_key=True, foreign_key="branch_meeting.id", max_length=64)
    observer_member_id: str = Field(primary_key=True, max_length=64)
    id: str = Field(max_length=64, unique=True)
    branch_id: str = Field(max_length=64, index=True)
    due_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="expected", max_length=16, description="expected, filed, overdue")
    attended: bool | None = None
    scores: dict[str, float] = Field(default_factory=dict, sa_type=sa.JSON)
    comments: str | None = Field(default=None, sa_type=sa.Text)
    filed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    filed_on_time: bool | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
