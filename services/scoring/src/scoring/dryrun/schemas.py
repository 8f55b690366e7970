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


class RuleSetOut(BaseModel):
    id: str
    version: str
    name: str
    effective_on: date


class ClassificationNowOut(BaseModel):
    """The stored classification of the year, as `GET /v1/classifications/{year}/…` shows it."""

    level: str | None = Field(description="the decided level once given, else the proposed one")
    proposed_level: str | None
    decided_level: str | None
    points: float | None
    excluded_reason: str | None
    policy: str | None = Field(description="the rule set the stored proposal was made under")


class ClassificationDryOut(BaseModel):
    level: str | None = Field(description="null: not classified (see excluded_reason)")
    points: float | None
    reason: str
    excluded_reason: str | None
    capped_by_quota: bool


class ClassificationSubjectOut(BaseModel):
    subject_type: str = Field(description="branch, or organisation (a đảng bộ cơ sở)")
    subject_id: str
    name: str
    current: ClassificationNowOut | None = Field(description="null: nothing stored for the year")
    dry_run: ClassificationDryOut
    action: str = Field(
        description="what a proposal run under this rule set would do to the stored row: new, "
        "changed, unchanged, kept_decided (a decided classification is never touched)"
    )
    level_changes: bool = Field(description="the dry run's level differs from the current one")


class LevelCountsOut(BaseModel):
    current: dict[str, int] = Field(
        description="stored: by level (decided, else proposed), excluded, and not_proposed"
    )
    dry_run: dict[str, int] = Field(description="by level, and excluded")


class ClassificationDryRunOut(BaseModel):
    organisation_id: str
    year: int
    as_of: date
    written: bool = Field(default=False, description="always false: nothing is stored")
    rules: RuleSetOut = Field(description="the rule set in force on `as_of`, applied here")
    year_rules: RuleSetOut | None = Field(
        description="the rule set a proposal run of the year applies today (null: none)"
    )
    branches: LevelCountsOut
    organisations: LevelCountsOut = Field(description="grassroots Party organisations")
    members: LevelCountsOut
    subjects: list[ClassificationSubjectOut] = Field(
        description="every branch of the subtree, and every đảng bộ cơ sở the run judges"
    )
