"""API shapes of reports."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LostCriterionOut(BaseModel):
    code: str
    name: str
    points_lost: float


class BranchLineOut(BaseModel):
    branch_id: str
    meetings: int
    months_met: int
    average_points: float | None = Field(description="official totals; normalised to 100")
    by_grade: dict[str, int]
    attendance_rate: float | None
    criteria_lost: list[LostCriterionOut] = Field(description="most points lost first, top 3")


class MonthCoverageOut(BaseModel):
    month: str
    branches_met: int
    coverage: float


class BranchReportOut(BaseModel):
    period: str
    scope: str = Field(
        description="'given' branch ids, 'organisation': the branches of a subtree, or 'known': "
        "every branch scoring has seen"
    )
    branches: int
    branches_met: int
    coverage: float | None = Field(description="share of the branches that met in the period")
    months: list[MonthCoverageOut]
    meetings: int
    by_grade: dict[str, int] = Field(description="meetings per grade")
    average_points: float | None
    weakest: list[BranchLineOut] = Field(description="lowest average first")
    lines: list[BranchLineOut] = Field(description="every branch in scope, by id")
