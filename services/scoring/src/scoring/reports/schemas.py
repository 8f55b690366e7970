"""API shapes of reports."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class LostCriterionOut(BaseModel):
    code: str
    name: str
    points_lost: float


class BranchLineOut(BaseModel):
    branch_id: str
    branch_name: str | None = Field(default=None, description="as the tree replica names it")
    in_use: Literal["in_use", "partly_in_use", "not_in_use"] = Field(
        default="in_use", description="not_in_use: the whole period before the branch's go-live"
    )
    meetings: int
    months_met: int
    average_points: float | None = Field(description="official totals; normalised to 100")
    by_grade: dict[str, int]
    attendance_rate: float | None
    criteria_lost: list[LostCriterionOut] = Field(description="most points lost first, top 3")


class MonthCoverageOut(BaseModel):
    month: str
    branches_met: int
    coverage: float = Field(description="share of the branches live that month that met")


class BranchReportOut(BaseModel):
    period: str
    scope: str = Field(
        description="'given' branch ids, 'organisation': the branches of a subtree, or 'known': "
        "every branch scoring has seen"
    )
    branches: int
    branches_in_use: int = Field(default=0, description="branches with a live month in it")
    branches_met: int
    coverage: float | None = Field(
        description="share of the branches in use in the period that met in it"
    )
    months: list[MonthCoverageOut]
    meetings: int
    by_grade: dict[str, int] = Field(description="meetings per grade")
    average_points: float | None
    weakest: list[BranchLineOut] = Field(description="lowest average first")
    lines: list[BranchLineOut] = Field(description="every branch in scope, by id")


class ThematicLineOut(BaseModel):
    organisation_id: str
    organisation_name: str
    branches: int
    branches_held: int = Field(description="branches that held a thematic meeting on the theme")
    share: float | None
    statement: str = Field(description='Vietnamese, e.g. "100% chi bộ tổ chức sinh hoạt…"')


class ThematicReportOut(BaseModel):
    organisation_id: str
    period: str
    period_label: str = Field(description='e.g. "Quý III/2026"')
    theme: str | None = Field(description="the theme asked; null: any thematic meeting")
    branches: int
    branches_held: int
    share: float | None
    statement: str
    by_organisation: list[ThematicLineOut] = Field(
        description="one line per organisation directly under the one asked (communes of a "
        "district, branches' grassroots organisations of a commune…)"
    )
    themes_recorded: list[dict[str, Any]] = Field(
        description="themes the period's thematic meetings named, with how many meetings"
    )
    branches_not_held: list[str] = Field(description="names, at most 500")
