"""The stored score of a meeting (one row, following its latest version) and its criteria rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class MeetingScore(SQLModel, table=True):
    """`total_points`/`grade`/`criteria` are the official score: the confirmed one once given,
    else the branch's self-score. The rubric id and version are fixed at the first scoring."""

    __tablename__ = "meeting_score"
    __table_args__ = (sa.Index("ix_meeting_score_branch_held", "branch_id", "held_on"),)

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
    official_source: str = Field(default="self", max_length=16)
    facts: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    present_count: int = 0
    counted_count: int = 0
    self_manual: dict[str, float] = Field(default_factory=dict, sa_type=sa.JSON)
    self_total: float = 0
    self_grade: str = Field(default="", max_length=16)
    observer_manual: dict[str, float] | None = Field(default=None, sa_type=sa.JSON)
    observer_total: float | None = None
    observer_grade: str | None = Field(default=None, max_length=16)
    confirmed_manual: dict[str, float] | None = Field(default=None, sa_type=sa.JSON)
    confirmed_total: float | None = None
    confirmed_grade: str | None = Field(default=None, max_length=16)
    confirmation_reason: str | None = Field(default=None, max_length=1000)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    scored_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class MeetingCriterionScore(SQLModel, table=True):
    """One official criterion score per row, so roll-ups can aggregate lost points in SQL."""

    __tablename__ = "meeting_criterion_score"

    meeting_id: str = Field(primary_key=True, max_length=64, foreign_key="meeting_score.meeting_id")
    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=200)
    points: float
    max_points: float
