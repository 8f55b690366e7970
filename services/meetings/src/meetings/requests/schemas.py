"""Request and response bodies of the requests API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from meetings.requests.lifecycle import RequestAction
from service_kit.web.models import ApiModel


class RequestIn(ApiModel):
    """A request raised at a meeting: it must name its subject and the competent organisation."""

    subject: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=10_000)
    addressee_id: str = Field(min_length=1, max_length=64)
    category: str | None = Field(default=None, max_length=64)
    raised_by: str | None = Field(default=None, max_length=64, description="member id, if one")
    re_raises_request_id: str | None = Field(
        default=None,
        max_length=64,
        description="an earlier request still unanswered: raising it again escalates it at once",
    )


class RequestActionIn(ApiModel):
    action: RequestAction
    text: str | None = Field(
        default=None,
        max_length=10_000,
        description="required to answer, return, reject, reopen, forward",
    )
    actor: str | None = Field(default=None, max_length=200)
    forward_to_id: str | None = Field(
        default=None, max_length=64, description="the higher competence, when forwarding"
    )


class TimelineEntryOut(BaseModel):
    at: datetime
    kind: str
    actor: str | None
    level: int
    level_organisation_id: str
    text: str | None
    details: dict[str, Any]


class RequestOut(BaseModel):
    id: str
    meeting_id: str | None
    branch_id: str
    subject: str
    text: str
    category: str | None
    addressee_id: str
    status: str
    level: int
    level_organisation_id: str
    level_started_at: datetime
    acknowledged_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    answer: str | None
    next_check_at: datetime | None
    version: int
    created_at: datetime
    timeline: list[TimelineEntryOut] = Field(default_factory=list)


class LevelSummary(BaseModel):
    level: int = Field(description="0 = still with the addressee; n = escalated n levels")
    open: int
    escalated: int


class RequestGroupOut(BaseModel):
    """Requests on one subject raised by several branches, for their addressee: one item
    "raised by N branches", each branch's request kept (and answered) on its own."""

    addressee_id: str
    subject: str
    label: str = Field(description='"Kiến nghị của N chi bộ"')
    branch_count: int
    branch_ids: list[str]
    requests: list[RequestOut]
