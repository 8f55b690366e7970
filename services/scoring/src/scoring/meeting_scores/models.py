"""The stored score of a meeting (one row, following its latest version), its criteria rows, and
the scores kept beside it when a re-scoring job moved it to another rubric."""

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


class UnscoredMeeting(SQLModel, table=True):
    """A meeting no rubric was in force for (held before the first rubric's effective date):
    recorded with the Vietnamese reason instead of a score, never dead-lettered. Its roll is
    kept like any other (attendance, absence runs); it counts in no score, roll-up or ranking."""

    __tablename__ = "meeting_unscored"

    meeting_id: str = Field(primary_key=True, max_length=64)
    branch_id: str = Field(max_length=64, index=True)
    held_on: date
    meeting_type: str = Field(max_length=32)
    meeting_version: int
    province_code: str | None = Field(default=None, max_length=64)
    reason: str = Field(max_length=500)
    recorded_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class MeetingCriterionScore(SQLModel, table=True):
    """One official criterion score per row, so roll-ups can aggregate lost points in SQL."""

    __tablename__ = "meeting_criterion_score"

    meeting_id: str = Field(primary_key=True, max_length=64, foreign_key="meeting_score.meeting_id")
    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=200)
    points: float
    max_points: float


class MeetingScoreVersion(SQLModel, table=True):
    """A score kept beside a meeting's current one: the official score as it stood before a job
    moved the meeting to another rubric (`superseded`), or a job's score of a meeting whose
    confirmed score stays official (`beside_confirmed`). Written once, never updated."""

    __tablename__ = "meeting_score_version"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "kind", "rubric_id", "rubric_version", "score_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: str = Field(max_length=64, index=True)
    branch_id: str = Field(max_length=64)
    kind: str = Field(max_length=20, description="superseded or beside_confirmed")
    score_version: int = Field(description="superseded: its version; beside: the current one's")
    meeting_version: int
    rubric_id: str = Field(max_length=64)
    rubric_version: str = Field(max_length=32)
    total_points: float
    max_points: float
    grade: str = Field(max_length=16)
    grade_reason: str = Field(max_length=300)
    official_source: str = Field(max_length=16)
    self_total: float
    observer_total: float | None = None
    confirmed_total: float | None = None
    criteria: list[dict[str, Any]] = Field(sa_type=sa.JSON)
    facts: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    job_id: str = Field(max_length=64)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
