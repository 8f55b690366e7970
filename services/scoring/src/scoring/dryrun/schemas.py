"""API shapes of the scoring dry run."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class SheetResultOut(BaseModel):
    rubric_id: str
    rubric_version: str
    total_points: float
    grade: str


class CriterionChangeOut(BaseModel):
    code: str
    name: str
    label: str = Field(description='"C6 – name"')
    current_points: float | None
    dry_run_points: float
    max_points: float


class DryRunMeetingOut(BaseModel):
    meeting_id: str
    branch_id: str
    held_on: date
    meeting_type: str
    current: SheetResultOut
    dry_run: SheetResultOut | None = Field(description="null when the meeting cannot be re-scored")
    action: str = Field(
        description="what a re-scoring job would do: rescored, unchanged, "
        "kept_confirmed (a confirmed score stays official), failed"
    )
    reason: str = ""
    changed_criteria: list[CriterionChangeOut]


class DryRunOut(BaseModel):
    organisation_id: str
    period: str
    period_label: str
    as_of: date
    written: bool = Field(default=False, description="always false: nothing is stored")
    meetings_considered: int
    meetings_changed: int
    truncated: bool = Field(description="more meetings than the limit; narrow the scope")
    by_grade_current: dict[str, int]
    by_grade_dry_run: dict[str, int]
    meetings: list[DryRunMeetingOut]
