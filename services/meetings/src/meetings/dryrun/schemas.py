"""API shapes of the escalation dry run."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class EscalationOut(BaseModel):
    request_id: str
    branch_id: str
    subject: str
    from_level: int
    from_organisation_id: str
    from_level_kind: str
    to_level: int
    to_organisation_id: str
    to_level_kind: str
    skipped_organisation_ids: list[str] = Field(
        description="levels passed over on the way (abolished or vacant)"
    )
    breached_stage: str = Field(description="acknowledge or answer")
    deadline_at: datetime = Field(description="the deadline breached at the level it leaves")


class OverdueAtTopOut(BaseModel):
    request_id: str
    branch_id: str
    subject: str
    level: int
    level_organisation_id: str
    breached_stage: str
    deadline_at: datetime


class ReminderOut(BaseModel):
    request_id: str
    branch_id: str
    level: int
    level_organisation_id: str
    stage: str
    fraction: float = Field(description="share of the time limit gone (0.5, 0.8)")
    deadline_at: datetime


class MissedMeetingOut(BaseModel):
    branch_id: str
    period: str = Field(description="YYYY-MM")
    window_from_day: int
    window_to_day: int
    due_at: datetime
    expected_first: bool = Field(
        description="the month is not expected yet: the sweep would expect it, then find it due"
    )


class NotInUseOut(BaseModel):
    branch_id: str
    period: str = Field(description="a month before the branch's go-live: settled, not missed")


class EscalationDryRunOut(BaseModel):
    organisation_id: str
    as_of: date
    as_of_at: datetime = Field(
        description="the moment judged: the start of `as_of` in Việt Nam (what is due by the end "
        "of the day before)"
    )
    written: bool = Field(default=False, description="always false: nothing is stored or sent")
    requests_considered: int = Field(description="open requests with a check due by `as_of_at`")
    truncated: bool = Field(description="more requests than the limit; narrow the scope")
    escalations: list[EscalationOut]
    overdue_at_top: list[OverdueAtTopOut]
    reminders: list[ReminderOut]
    missed_meetings: list[MissedMeetingOut]
    not_in_use: list[NotInUseOut]
