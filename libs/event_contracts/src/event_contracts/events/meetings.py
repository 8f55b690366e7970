"""Events published by the meetings service."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from event_contracts.envelope import EventData
from event_contracts.vocabulary import (
    Attendance,
    BreachedStage,
    MeetingType,
    RequestStage,
    RequestStatus,
)


class RollEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    member_id: str
    attendance: Attendance
    probationary: bool = False
    on_duty: bool = Field(
        default=False, description="Armed-forces member on duty: outside the attendance base."
    )


class MeetingSubmitted(EventData):
    """The complete record of a meeting as submitted (facts scoring needs; ids, not people)."""

    event_type: ClassVar[str] = "vn.chibo.meetings.meeting.submitted.v1"

    meeting_id: str
    branch_id: str
    meeting_type: MeetingType
    held_on: date
    started_at: datetime
    ended_at: datetime
    duration_minutes: int = Field(ge=0)
    within_scheduled_window: bool
    roll: list[RollEntry]
    speaker_ids: list[str] = Field(default_factory=list)
    agenda_steps_completed: list[str] = Field(default_factory=list)
    previous_action_items_total: int = Field(default=0, ge=0)
    previous_action_items_done_on_time: int = Field(default=0, ge=0)
    resolution_voted: bool = False
    request_count: int = Field(default=0, ge=0)
    self_score: dict[str, float] = Field(
        default_factory=dict, description="Manual criteria scored by the branch itself, by code."
    )
    action_items_total: int | None = Field(
        default=None, ge=0, description="tasks this meeting's resolution set (None: not told)"
    )
    action_items_with_owner_and_due: int | None = Field(
        default=None, ge=0, description="of those, tasks with both an owner and a due date"
    )
    focal_issue: str | None = Field(
        default=None, max_length=1000, description="the meeting's focal issue (vấn đề trọng tâm)"
    )
    theme: str | None = Field(
        default=None, max_length=500, description="the theme of a thematic meeting (chuyên đề)"
    )


class MeetingAmended(MeetingSubmitted):
    """A submitted meeting was corrected: the full record as it now stands, and why."""

    event_type: ClassVar[str] = "vn.chibo.meetings.meeting.amended.v1"

    amendment_reason: str


class FormalitySignalFact(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = Field(description="e.g. minutes_repeated, resolution_without_target")
    explanation: str = Field(description="Vietnamese, for the official reading the meeting")
    evidence: dict[str, Any] = Field(default_factory=dict, description="ids, figures, no names")


class MeetingFormalityAssessed(EventData):
    """The signals that a meeting was held for form's sake (hình thức), computed from its record
    and the branch's earlier months after it was submitted or amended; they never change the
    score. `aggregate_version` is the meeting's version assessed."""

    event_type: ClassVar[str] = "vn.chibo.meetings.meeting.formality_assessed.v1"

    meeting_id: str
    branch_id: str
    held_on: date
    rules_id: str
    rules_version: str
    signals: list[FormalitySignalFact] = Field(default_factory=list)


class MeetingMissed(EventData):
    """A branch logged no regular meeting for `period` by the end of its window plus the grace."""

    event_type: ClassVar[str] = "vn.chibo.meetings.meeting.missed.v1"

    branch_id: str
    period: str = Field(pattern=r"^\d{4}-\d{2}$", description="the month, YYYY-MM")
    window_from_day: int = Field(ge=1, le=31)
    window_to_day: int = Field(ge=1, le=31)
    due_at: datetime


class ObserverReportFiled(EventData):
    """The assigned upper-level observer reported on a branch's meeting."""

    event_type: ClassVar[str] = "vn.chibo.meetings.observer_report.filed.v1"

    report_id: str
    meeting_id: str
    branch_id: str
    observer_member_id: str
    attended: bool
    scores: dict[str, float] = Field(
        default_factory=dict, description="observer score per manual criterion code"
    )
    filed_on_time: bool
    request_count: int = Field(default=0, ge=0)


class ObserverReportOverdue(EventData):
    """No report from the assigned observer by its due time (counts in their own evaluation)."""

    event_type: ClassVar[str] = "vn.chibo.meetings.observer_report.overdue.v1"

    meeting_id: str
    branch_id: str
    observer_member_id: str
    due_at: datetime


class RequestFacts(EventData):
    """What every request event carries: where the request is and who owes the answer now."""

    event_type: ClassVar[str] = ""

    request_id: str
    branch_id: str = Field(description="the branch that raised it")
    meeting_id: str | None = None
    subject: str = Field(description="short subject line (the full text stays in meetings)")
    category: str | None = None
    addressee_id: str = Field(description="the organisation first asked to answer")
    status: RequestStatus
    level: int = Field(ge=0, description="0 = the addressee; n = n levels up the ladder")
    level_organisation_id: str = Field(description="the organisation that owes the answer now")


class RequestRaised(RequestFacts):
    event_type: ClassVar[str] = "vn.chibo.meetings.request.raised.v1"


class RequestAcknowledged(RequestFacts):
    event_type: ClassVar[str] = "vn.chibo.meetings.request.acknowledged.v1"


class RequestAnswered(RequestFacts):
    event_type: ClassVar[str] = "vn.chibo.meetings.request.answered.v1"


class RequestClosed(RequestFacts):
    event_type: ClassVar[str] = "vn.chibo.meetings.request.closed.v1"


class RequestReopened(RequestFacts):
    event_type: ClassVar[str] = "vn.chibo.meetings.request.reopened.v1"


class RequestForwarded(RequestFacts):
    event_type: ClassVar[str] = "vn.chibo.meetings.request.forwarded.v1"


class RequestReturned(RequestFacts):
    event_type: ClassVar[str] = "vn.chibo.meetings.request.returned.v1"


class RequestRejected(RequestFacts):
    event_type: ClassVar[str] = "vn.chibo.meetings.request.rejected.v1"


class RequestDueSoon(RequestFacts):
    """A reminder: `fraction` of the time for `stage` has passed."""

    event_type: ClassVar[str] = "vn.chibo.meetings.request.due_soon.v1"

    stage: RequestStage
    fraction: float = Field(gt=0, lt=1)
    due_at: datetime


class RequestEscalated(RequestFacts):
    """The level below let a deadline pass; `level_organisation_id` must now answer."""

    event_type: ClassVar[str] = "vn.chibo.meetings.request.escalated.v1"

    from_level_organisation_id: str
    breached_stage: BreachedStage
    breached_due_at: datetime | None = None
    skipped_organisation_ids: list[str] = Field(
        default_factory=list, description="abolished or vacant levels passed over"
    )


# Every request event, in lifecycle order: consumers subscribe to these, never to a copied list.
REQUEST_EVENTS: tuple[type[RequestFacts], ...] = (
    RequestRaised,
    RequestAcknowledged,
    RequestAnswered,
    RequestClosed,
    RequestReopened,
    RequestForwarded,
    RequestReturned,
    RequestRejected,
    RequestDueSoon,
    RequestEscalated,
)
# Changes of state that the branch and the observer hear about (not raising, not reminders).
REQUEST_STATE_CHANGES: tuple[type[RequestFacts], ...] = tuple(
    e for e in REQUEST_EVENTS if e not in (RequestRaised, RequestDueSoon)
)
