"""API shapes of meeting scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.formality.schemas import FormalityOut

ItemKey = Annotated[str, Field(min_length=1, max_length=32)]


class SheetOut(BaseModel):
    """One way of scoring the manual criteria: the branch's, the observer's, the committee's."""

    total_points: float
    grade: str
    difference_to_self: float = Field(description="total − the self-score's total")
    manual_points: dict[str, float]


class MeetingScoreOut(BaseModel):
    status: Literal["scored"] = "scored"
    meeting_id: str
    branch_id: str
    held_on: date
    meeting_type: str
    meeting_version: int
    score_version: int
    rubric_id: str
    rubric_version: str
    total_points: float = Field(description="The official total: confirmed once given, else self")
    max_points: float
    grade: str
    grade_reason: str
    official_source: str = Field(description="`confirmed` or `self`")
    criteria: list[dict[str, Any]]
    self_score: SheetOut
    observer_score: SheetOut | None
    confirmed_score: SheetOut | None
    confirmation_reason: str | None
    confirmed_at: datetime | None
    scored_at: datetime
    formality: FormalityOut | None = Field(
        default=None,
        description="signals that the meeting was held for form's sake, beside the score and "
        "never part of it; null until meetings has assessed the record",
    )


class UnscoredMeetingOut(BaseModel):
    """A meeting held before every rubric's effective date: recorded, not scored, and why."""

    status: Literal["no_rubric"] = "no_rubric"
    meeting_id: str
    branch_id: str
    held_on: date
    meeting_type: str
    meeting_version: int
    province_code: str | None
    reason: str = Field(description="Vietnamese: no rubric in force on the date, and the earliest")
    recorded_at: datetime


class ConfirmationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    points: dict[ItemKey, float] = Field(
        max_length=100,
        description="Points for every manual item of the rubric, by key (e.g. C3, C4, C5)",
        examples=[{"C3": 3, "C4": 18, "C5": 4}],
    )
    reason: str = Field(min_length=3, max_length=1000, description="Why, in a sentence or two")


class ScoreVersionOut(BaseModel):
    """A score kept beside the meeting's current one (`GET …/versions`)."""

    kind: str = Field(description="superseded or beside_confirmed")
    score_version: int
    meeting_version: int
    rubric_id: str
    rubric_version: str
    total_points: float
    max_points: float
    grade: str
    grade_reason: str
    official_source: str
    self_total: float
    observer_total: float | None
    confirmed_total: float | None
    criteria: list[dict[str, Any]]
    job_id: str
    recorded_at: datetime
