"""Request and response bodies of the meetings API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from event_contracts.vocabulary import Attendance, MeetingType
from meetings.requests.schemas import RequestIn
from service_kit.web.dates import PlausibleAwareDateTime, PlausibleDate
from service_kit.web.models import ApiModel

Id = Field(min_length=1, max_length=64)
MemberId = Annotated[str, Field(min_length=1, max_length=64)]
Step = Annotated[str, Field(min_length=1, max_length=64)]
# A manual criterion's key (e.g. "C5", "C4.chair") and its points: a rubric has a few dozen.
ManualScores = dict[Annotated[str, Field(min_length=1, max_length=32)], float]
MAX_CRITERIA = 50


class RollEntryIn(ApiModel):
    member_id: str = Id
    attendance: Attendance
    reason: str | None = Field(
        default=None, max_length=500, description="required when attendance is `excused`"
    )
    probationary: bool = False
    on_duty: bool = False


class ActionItemIn(ApiModel):
    """A task of the resolution: who does what by when; reported on at the next meeting."""

    title: str = Field(min_length=1, max_length=500)
    owner_member_id: str | None = Field(default=None, max_length=64)
    due_on: PlausibleDate | None = None


class ActionItemReportIn(ApiModel):
    """How one task of the previous resolution went, reported at this meeting."""

    title: str = Field(min_length=1, max_length=500)
    status: Literal["done_on_time", "done_late", "in_progress", "not_done"]
    note: str | None = Field(default=None, max_length=2000)


class VotesIn(ApiModel):
    """The vote on the resolution; only full members present may vote."""

    in_favour: int = Field(ge=0)
    against: int = Field(default=0, ge=0)
    abstain: int = Field(default=0, ge=0)


class MemberReportIn(ApiModel):
    """A member's monthly report on assigned tasks and households, with a self-ranking."""

    member_id: str = Field(min_length=1, max_length=64)
    tasks_report: str | None = Field(default=None, max_length=5000)
    households_report: str | None = Field(default=None, max_length=5000)
    self_ranking: Literal["excellent", "good", "fulfilled", "not_fulfilled"]


class MeetingSubmissionIn(ApiModel):
    """A complete meeting record. Times are ISO 8601 with a time zone (e.g. +07:00)."""

    branch_id: str = Id
    meeting_type: MeetingType = MeetingType.REGULAR
    held_on: PlausibleDate
    started_at: PlausibleAwareDateTime
    ended_at: PlausibleAwareDateTime
    place: str | None = Field(default=None, max_length=500)
    chair_member_id: str | None = Field(default=None, max_length=64)
    minute_taker_member_id: str | None = Field(default=None, max_length=64)
    roll: list[RollEntryIn] = Field(min_length=1, max_length=2000)
    speaker_ids: list[MemberId] = Field(default_factory=list, max_length=2000)
    agenda_steps_completed: list[Step] = Field(default_factory=list, max_length=100)
    previous_action_items_total: int = Field(default=0, ge=0)
    previous_action_items_done_on_time: int = Field(default=0, ge=0)
    previous_action_item_reports: list[ActionItemReportIn] = Field(
        default_factory=list,
        max_length=100,
        description="one per task of the previous resolution; when given, every one of them "
        "must be accounted for and the two counts above are derived from it",
    )
    votes: VotesIn | None = None
    member_reports: list[MemberReportIn] = Field(default_factory=list, max_length=2000)
    resolution_voted: bool = False
    action_items: list[ActionItemIn] = Field(
        default_factory=list,
        max_length=100,
        description="tasks of this meeting's resolution (pre-filled into the next meeting)",
    )
    requests_raised: list[RequestIn] = Field(
        default_factory=list,
        max_length=100,
        description="requests (kiến nghị) raised: each becomes a tracked request with deadlines",
    )
    self_score: ManualScores = Field(
        default_factory=dict,
        max_length=MAX_CRITERIA,
        description='manual criteria the branch scored itself, e.g. {"C5": 4}',
    )
    minutes: str | None = Field(default=None, max_length=100_000)
    resolution: str | None = Field(
        default=None, max_length=50_000, description="the text of the resolution (nghị quyết)"
    )
    focal_issue: str | None = Field(
        default=None,
        max_length=1000,
        description="the meeting's focal issue (vấn đề trọng tâm), free text",
    )
    theme: str | None = Field(
        default=None,
        max_length=500,
        description='the theme of a thematic meeting (chuyên đề), e.g. "Tự soi, tự sửa"',
    )


class AttendanceCounts(BaseModel):
    present: int
    excused: int
    unexcused: int
    exempt: int


class MeetingOut(BaseModel):
    id: str
    branch_id: str
    meeting_type: str
    status: Literal["submitted", "amended"] | str
    version: int
    held_on: date
    started_at: datetime
    ended_at: datetime
    duration_minutes: int
    within_scheduled_window: bool
    attendance: AttendanceCounts
    submitted_at: datetime


class AmendmentIn(ApiModel):
    """A corrected record and why it was corrected; the score follows the latest version."""

    reason: str = Field(min_length=3, max_length=2000)
    record: MeetingSubmissionIn


class RevisionOut(BaseModel):
    version: int
    reason: str | None
    actor: str | None
    recorded_at: datetime
    submission: dict[str, Any]


class NextMeetingOut(BaseModel):
    """What the branch's next meeting must go through: last month's tasks, its open requests and
    the answers it must accept (closes) or not (reopens)."""

    branch_id: str
    previous_meeting_id: str | None
    previous_action_items: list[dict[str, Any]]
    open_requests: list[dict[str, Any]]
    answers_to_review: list[dict[str, Any]]
    answers_received: list[dict[str, Any]] = Field(
        default_factory=list,
        description="answers the branch received since its last meeting (whoever answered: "
        "the addressee or the body it was forwarded to), to read out at the meeting",
    )
