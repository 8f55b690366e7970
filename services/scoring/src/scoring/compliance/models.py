"""Facts detectors read (each meeting's roll, observer reports) and the flags they raised."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime, utcnow


class MeetingAttendance(SQLModel, table=True):
    """One member on one meeting's roll (the latest version of the meeting replaces the rows)."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (
        sa.Index("ix_meeting_attendance_member_held", "member_id", "held_on"),
        sa.Index("ix_meeting_attendance_branch_held", "branch_id", "held_on"),
    )

    meeting_id: str = Field(primary_key=True, max_length=64)
    member_id: str = Field(primary_key=True, max_length=64)
    branch_id: str = Field(max_length=64)
    held_on: date
    attendance: str = Field(max_length=10)
    counted: bool = Field(description="in the attendance base (not exempt, not on duty)")
    spoke: bool = False


class ObserverReportFact(SQLModel, table=True):
    """An observer's report on a meeting: filed (on time or not) or overdue."""

    __tablename__ = "observer_report_fact"

    meeting_id: str = Field(primary_key=True, max_length=64)
    observer_member_id: str = Field(primary_key=True, max_length=64, index=True)
    branch_id: str = Field(max_length=64)
    held_on: date | None = None
    status: str = Field(max_length=16, description="filed or overdue")
    filed_on_time: bool = False
    attended: bool = False
    recorded_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class ComplianceFlag(SQLModel, table=True):
    """Raised once: the id is `kind:subject_id:period`."""

    __tablename__ = "compliance_flag"
    __table_args__ = (sa.Index("ix_compliance_flag_branch_period", "branch_id", "period"),)

    flag_id: str = Field(primary_key=True, max_length=200)
    kind: str = Field(max_length=40)
    severity: str = Field(max_length=16)
    subject_type: str = Field(max_length=16)
    subject_id: str = Field(max_length=64)
    branch_id: str = Field(max_length=64)
    period: str = Field(max_length=10)
    message: str = Field(max_length=500)
    meeting_ids: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    raised_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
