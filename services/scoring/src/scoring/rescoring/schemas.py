"""API shapes of re-scoring jobs."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class RescoringJobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(
        max_length=16, description="2026-07, 2026-Q3, 2026-H2 or 2026", examples=["2026-Q3"]
    )
    rubric_id: str = Field(max_length=64, examples=["hd42-default"])
    rubric_version: str | None = Field(
        default=None, max_length=32, description="default: the newest loaded version"
    )
    organisation_id: str | None = Field(
        default=None,
        max_length=64,
        description="only the branches under it (on the period's last day); none: the province",
    )
    reason: str = Field(min_length=3, max_length=1000, description="Why, in a sentence or two")


class FailureOut(BaseModel):
    meeting_id: str
    branch_id: str
    reason: str


class RescoringJobOut(BaseModel):
    id: str
    period: str
    starts_on: date
    ends_before: date
    rubric_id: str
    rubric_version: str
    organisation_id: str | None = Field(description="None: the whole province")
    reason: str
    requested_by: str = Field(description="the token subject of whoever asked")
    requested_at: datetime
    status: str = Field(description="queued, running, done or failed")
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None = Field(description="why the job failed, or the last batch error retried")
    considered: int = Field(description="meetings of the period and scope looked at so far")
    rescored: int = Field(description="new official score under the rubric (old one kept)")
    kept_confirmed: int = Field(
        description="confirmed scores left official; the new rubric's score kept beside them"
    )
    unchanged: int = Field(
        description="already under this rubric version with the same facts (or kept beside)"
    )
    failed: int = Field(description="could not be re-scored; the first reasons in `failures`")
    failures: list[FailureOut]
