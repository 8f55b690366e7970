"""API shapes of rankings."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class RankingIn(BaseModel):
    period: str = Field(
        max_length=16, description="2026-07, 2026-Q3, 2026-H2 or 2026", examples=["2026"]
    )


class RankedBranchOut(BaseModel):
    rank: int | None = Field(description="1 is best; equal averages share a rank; none: no meeting")
    branch_id: str
    meetings: int
    average_points: float | None = Field(description="official totals normalised to 100")
    in_use: bool = Field(
        default=True, description="false: not yet in use in the period (before go-live), unranked"
    )


class RankingGroupOut(BaseModel):
    branch_kind: str = Field(
        description="residential, agency, school, enterprise, armed_forces or unknown"
    )
    label: str
    branches: list[RankedBranchOut]


class RankingOut(BaseModel):
    id: str
    organisation_id: str
    period: str
    tree_on: date
    published_at: datetime
    groups: list[RankingGroupOut] = Field(description="branches compared only within a group")
