"""The stored score of a meeting: one row per meeting, following its latest version."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class MeetingScore(SQLModel, table=True):
    __tablename__ = "meeting_score"

    meeting_id: str = Field(primary_key=True, max_length=64)
    branch_id: str = Field(max_length=64, index=True)
    held_on: date
    meeting_type: str = Field(max_length=32)
    meeting_version: int
    score_version: int = 1
    rubric_id: str = Field(max_length=64)
    rubric_version: str = Field(max_length=32)
    total_points: float
    max_points: float
    grade: str = Field(max_length=16)
    grade_reason: str = Field(max_length=300)
    criteria: list[dict[str, Any]] = Field(sa_type=sa.JSON)
    scored_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
