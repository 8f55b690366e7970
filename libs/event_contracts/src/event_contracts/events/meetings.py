"""Events published by the meetings service."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from event_contracts.envelope import EventData

Attendance = Literal["present", "excused", "unexcused", "exempt"]
MeetingType = Literal[
    "regular", "thematic", "combined", "extraordinary", "year_end", "pilot", "cluster"
]


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
