"""Bodies of the observer-report API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from meetings.meetings.schemas import MAX_CRITERIA, ManualScores
from meetings.requests.schemas import RequestIn
from service_kit.web.models import ApiModel


class ObserverReportIn(ApiModel):
    """Filed by the observer themself: who they are comes from their token, never the body."""

    attended: bool
    scores: ManualScores = Field(
        default_factory=dict,
        max_length=MAX_CRITERIA,
        description='observer score per manual criterion, e.g. {"C5": 4}',
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
