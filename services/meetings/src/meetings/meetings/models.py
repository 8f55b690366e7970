"""Tables of meeting records: the meeting and its roll (one row per member, bulk-inserted)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class BranchMeeting(SQLModel, table=True):
    __tablename__ = "branch_meeting"
    __table_args__ = (sa.Index("ix_branch_meeting_branch_held", "branch_id", "held_on"),)

    id: str = Field(primary_key=True, max_length=64)
    branch_id: str = Field(max_length=64)
    meeting_type: str = Field(max_length=32)
    status: str = Field(default="submitted", max_length=16)
    version: int = 1
    held_on: date
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime = Field(sa_type=UTCDateTime)
    duration_minutes: int
    within_scheduled_window: bool
    place: str | None = Field(default=None, max_length=500)
    record: dict[str, Any] = Field(sa_type=sa.JSON, description="the rest of the record as sent")
    submitted_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class AttendanceRecord(SQLModel, table=True):
    __tablename__ = "attendance_record"

    meeting_id: str = Field(primary_key=True, foreign_key="branch_meeting.id", max_length=64)
    member_id: str = Field(primary_key=True, max_length=64)
    attendance: str = Field(max_length=16)
    reason: str | None = Field(default=None, max_length=500)
    probationary: bool = False
    on_duty: bool = False


class MeetingRevision(SQLModel, table=True):
    """Every version of a meeting record as submitted or amended, with who and why: the audit."""

    __tablename__ = "meeting_revision"

    meeting_id: str = Field(primary_key=True, foreign_key="branch_meeting.id", max_length=64)
    version: int = Field(primary_key=True)
    submission: dict[str, Any] = Field(sa_type=sa.JSON, description="the body as accepted")
    reason: str | None = Field(default=None, sa_type=sa.Text)
    actor: str | None = Field(default=None, max_length=200)
    recorded_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class MeetingDraft(SQLModel, table=True):
    """A record being written: saved as it is, checked only when submitted."""

    __tablename__ = "meeting_draft"

    id: str = Field(primary_key=True, max_length=64)
    branch_id: str = Field(max_length=64, index=True)
    body: dict[str, Any] = Field(sa_type=sa.JSON)
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class MeetingSlot(SQLModel, table=True):
    """A branch's one regular meeting of a month (`kind` "regular"): the primary key lets one
    meeting hold it. Written in the submission's transaction — two concurrent submissions
    cannot both win — and moved by an amendment that changes the month or the type. A cluster
    meeting holds the slot of every branch of its cluster."""

    __tablename__ = "meeting_slot"

    branch_id: str = Field(primary_key=True, max_length=64)
    period: str = Field(primary_key=True, max_length=7, description="YYYY-MM")
    kind: str = Field(primary_key=True, max_length=16, default="regular")
    meeting_id: str = Field(foreign_key="branch_meeting.id", max_length=64, index=True)
