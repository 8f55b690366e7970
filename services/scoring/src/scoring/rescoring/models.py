"""A re-scoring job: who asked, for which period, rubric and subtree, why, and how far it got."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from service_kit.db import UTCDateTime


class RescoringJob(SQLModel, table=True):
    """`queued` → `running` → `done`, or `failed` (the whole job, with `error`). Meetings are
    taken in (branch_id, meeting_id) order, a batch per transaction; `cursor_*` is the last one
    done, committed with its scores, so a job cut off by a crash resumes after it."""

    __tablename__ = "rescoring_job"
    __table_args__ = (sa.Index("ix_rescoring_job_status_requested", "status", "requested_at"),)

    id: str = Field(primary_key=True, max_length=64)
    period: str = Field(max_length=16)
    starts_on: date
    ends_before: date
    rubric_id: str = Field(max_length=64)
    rubric_version: str = Field(max_length=32)
    organisation_id: str | None = Field(
        default=None, max_length=64, index=True, description="None: the whole province"
    )
    branch_ids: list[str] | None = Field(
        default=None, sa_type=sa.JSON, description="the subtree's branches, fixed when asked"
    )
    reason: str = Field(max_length=1000)
    requested_by: str = Field(max_length=200)
    requested_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="queued", max_length=16)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str | None = Field(default=None, max_length=1000)
    retries: int = Field(default=0, description="batches failed in a row; at 3 the job fails")
    considered: int = 0
    rescored: int = 0
    kept_confirmed: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    cursor_branch_id: str | None = Field(default=None, max_length=64)
    cursor_meeting_id: str | None = Field(default=None, max_length=64)
