"""API shapes of roll-ups."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

InUse = Literal["in_use", "partly_in_use", "not_in_use"]


class CriterionLossOut(BaseModel):
    code: str
    name: str
    points_lost: float = Field(description="Sum over the meetings of (max − points)")
    meetings_below_max: int
    average_lost: float


class MonthOut(BaseModel):
    month: str
    in_use: bool = Field(
        default=True,
        description="false: before go-live, not yet in use (its back-filled meetings still show)",
    )
    meetings: int
    average_points: float | None
    attendance_rate: float | None = Field(description="present ÷ counted over the month's meetings")
    points_lost: float
    most_lost_criterion: str | None


class PeriodSummaryOut(BaseModel):
    """What a roll-up says of a period, for one branch or for all the branches of a subtree."""

    period: str
    kind: str = Field(description="month, quarter, half or year")
    starts_on: date
    ends_on: date = Field(description="last day of the period")
    in_use: InUse = Field(
        default="in_use",
        description="not_in_use: the whole period lies before go-live (nothing judged); "
        "partly_in_use: only its live months are judged",
    )
    months_in_use: int = Field(default=0, description="months of the period that are live")
    meetings: int
    confirmed_meetings: int
    average_points: float | None
    by_grade: dict[str, int]
    attendance_rate: float | None
    thematic_held: int = Field(description="thematic or combined meetings held")
    thematic_required: int = Field(
        description="one per whole quarter in the period that has a live month"
    )
    quarters_without_thematic: list[str] = Field(
        description="ended quarters with a live month and none held"
    )
    missed_months: list[str] = Field(description="ended live months with no meeting at all")
    months: list[MonthOut] = Field(description="the trend, month by month")
    criteria_lost: list[CriterionLossOut] = Field(description="most points lost first")


class RollupOut(PeriodSummaryOut):
    branch_id: str


class SubtreeRollupOut(PeriodSummaryOut):
    """Every branch under the organisation on `tree_on` that existed during the period, summed.
    `thematic_required` counts one per branch and whole quarter; `quarters_without_thematic` and
    `missed_months` name the quarters and months when no branch at all held one — the branch
    report (`/v1/reports/branches?organisation_id=…`) shows which branches fell short."""

    organisation_id: str
    tree_on: date = Field(description="the day the subtree is taken: the period's last day")
    branches: int = Field(description="branches in scope")
    branches_in_use: int = Field(default=0, description="branches with a live month in it")
