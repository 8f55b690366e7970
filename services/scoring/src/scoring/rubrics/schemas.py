"""API shapes of the rubric in force for a branch."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class ManualItemOut(BaseModel):
    key: str = Field(description="the key a score sheet gives its points under (e.g. C3, N1)")
    criterion: str
    criterion_name: str
    name: str
    max_points: float
    observer_scored: bool = Field(description="the upper-level observer scores this item too")


class MeetingTypeItemsOut(BaseModel):
    manual_items: list[ManualItemOut]
    observer_items: list[ManualItemOut] = Field(
        description="the items an observer's report scores, whatever their codes"
    )


class RubricOut(BaseModel):
    id: str
    version: str
    name: str
    source: str
    province: str | None = Field(description="the rubric family; None: the national default")
    effective_on: date
    total_points: float
    meeting_types: dict[str, MeetingTypeItemsOut]


class RubricInForceOut(BaseModel):
    branch_id: str
    held_on: date
    province_code: str | None = Field(
        description="the registry code of the branch's province that day (None: not known yet)"
    )
    rubric: RubricOut | None = Field(description="None: no rubric in force on that day")
    reason: str = Field(description="Vietnamese: which rubric and since when, or why none")
