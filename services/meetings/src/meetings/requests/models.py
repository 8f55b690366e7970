"""Requests as stored: the request, its timeline, and the actions already taken (exactly once)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class Request(SQLModel, table=True):
    __tablename__ = "request"
    __table_args__ = (
        sa.Index("ix_request_due", "next_check_at"),
        sa.Index("ix_request_level_org", "level_organisation_id", "status"),
        sa.Index("ix_request_branch", "branch_id", "status"),
        # One request per subject and addressee in a meeting (its record and its observers'
        # reports together); requests raised outside a meeting (no meeting_id) are not limited.
        sa.UniqueConstraint(
            "meeting_id", "addressee_id", "subject_key", name="uq_request_meeting_subject"
        ),
    )

    id: str = Field(primary_key=True, max_length=64)
    meeting_id: str | None = Field(default=None, max_length=64)
    branch_id: str = Field(max_length=64)
    raised_by: str | None = Field(default=None, max_length=64, description="member or observer")
    subject: str = Field(max_length=300)
    subject_key: str = Field(
        default="", max_length=300, description="the subject NFC, case- and space-folded"
    )
    text: str = Field(sa_type=sa.Text)
    category: str | None = Field(default=None, max_length=64)
    addressee_id: str = Field(max_length=64)
    status: str = Field(max_length=16)
    level: int = 0
    level_organisation_id: str = Field(max_length=64)
    level_kind: str = Field(max_length=40)
    level_started_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer: str | None = Field(default=None, sa_type=sa.Text)
    policy_id: str = Field(max_length=64)
    policy_version: str = Field(max_length=32)
    next_check_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, description="when the sweeper must look again"
    )
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class RequestTimelineEntry(SQLModel, table=True):
    __tablename__ = "request_timeline"

    id: int | None = Field(default=None, primary_key=True)
    request_id: str = Field(foreign_key="request.id", max_length=64, index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    kind: str = Field(max_length=32, description="raised, acknowledged, reminded, escalated, …")
    actor: str | None = Field(default=None, max_length=200)
    level: int
    level_organisation_id: str = Field(max_length=64)
    text: str | None = Field(default=None, sa_type=sa.Text)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class RequestActionDone(SQLModel, table=True):
    """Reminders and escalations already taken: the primary key makes each happen once."""

    __tablename__ = "request_action_done"

    request_id: str = Field(primary_key=True, foreign_key="request.id", max_length=64)
    key: str = Field(primary_key=True, max_length=64)
    at: datetime = Field(sa_type=UTCDateTime)
