"""API shapes of the roll-out view."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class LevelOut(BaseModel):
    kind: str
    label: str
    organisations: int
    live: int = Field(description="đang sử dụng vào ngày hỏi")
    planned: int = Field(description="có ngày đưa vào sử dụng, chưa đến")
    not_planned: int = Field(description="chưa có kế hoạch")


class PlannedDateOut(BaseModel):
    go_live_on: date
    organisations: int
    branches: int


class RollOutOut(BaseModel):
    organisation_id: str
    on: date
    planned_anywhere: bool = Field(
        description="false: no go-live date anywhere yet, so everything counts as live"
    )
    levels: list[LevelOut] = Field(description="by level, top down")
    branches: int
    branches_live: int
    branches_logging: int = Field(
        description="branches with a meeting record held since the first day of last month"
    )
    live_share: float | None = Field(description="branches live ÷ branches")
    logging_share: float | None = Field(description="branches logging ÷ branches")
    logging_share_of_live: float | None = Field(description="live branches logging ÷ live")
    upcoming: list[PlannedDateOut] = Field(description="dates still to come, soonest first")
