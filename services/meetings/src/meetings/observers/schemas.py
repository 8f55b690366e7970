"""Bodies of the observer-report API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from meetings.meetings.schemas import MAX_CRITERIA, ManualScores
from meetings.observers import rules
from meetings.requests.schemas import RequestIn
from service_kit.web.models import ApiModel


class ObserverReportIn(ApiModel):
    """Filed by the observer themself: who they are comes from their token, never the body."""

    attended: bool
    scores: ManualScores = Field(
        default_factory=dict,
        max_length=MAX_CRITERIA,
        description="observer score per criterion the active rubric marks observer-scored, "
        'whatever its code, e.g. {"C5": 4} or {"N3": 8}; scoring ignores other codes',
    )
    strengths: str | None = Field(default=None, max_length=20_000, description="ưu điểm")
    shortcomings: str | None = Field(
        default=None, max_length=20_000, description="hạn chế, khuyết điểm"
    )
    comments: str | None = Field(default=None, max_length=20_000)
    requests_raised: list[RequestIn] = Field(default_factory=list, max_length=50)


class ObserverReportOut(BaseModel):
    id: str
    meeting_id: str
    branch_id: str
    observer_member_id: str
    status: str
    due_at: datetime
    attended: bool | None
    scores: dict[str, float]
    comments: str | None
    filed_at: datetime | None
    filed_on_time: bool | None
    strengths: str | None = None
    shortcomings: str | None = None
    month_due_at: datetime | None = Field(
        default=None, description="the deadline the meeting's month sets (before the 10th)"
    )
    logged_late: bool = Field(
        default=False, description="the branch logged the meeting too late for that deadline"
    )
    late_by: str | None = Field(
        default=None, description='whose lateness: "observer", "branch", or none'
    )

    @classmethod
    def of(cls, row: Any) -> ObserverReportOut:
        details = row.details or {}
        out = cls.model_validate(row, from_attributes=True)
        out.strengths, out.shortcomings = details.get("strengths"), details.get("shortcomings")
        month_due = details.get("month_due_at")
        out.month_due_at = datetime.fromisoformat(month_due) if month_due else None
        out.logged_late = bool(details.get("logged_late"))
        out.late_by = rules.late_by(row.status, row.filed_at, row.due_at, out.logged_late)
        return out


class ObserverYearReport(BaseModel):
    meeting_id: str
    branch_id: str
    status: str
    due_at: datetime
    attended: bool | None
    filed_on_time: bool | None
    late_by: str | None


class ObserverDutyOut(BaseModel):
    """An observer's duty over a year, for their own annual rating: reports owed, filed on
    time, late or missing by their own fault, excused by the branch's late logging, and the
    meetings attended."""

    member_id: str
    year: int
    reports_expected: int
    reports_filed: int
    filed_on_time: int
    late_or_missing_by_observer: int
    late_by_branch_logging: int
    still_expected: int
    meetings_attended: int
    attendance_rate: float | None
    on_time_rate: float | None
    reports: list[ObserverYearReport]
