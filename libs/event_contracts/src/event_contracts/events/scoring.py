"""Events published by the scoring service."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from event_contracts.envelope import EventData

Grade = Literal["tot", "kha", "trung_binh", "kem"]


class CriterionScore(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    code: str = Field(description="Criterion code in the rubric, e.g. C2.")
    points: float = Field(ge=0)
    max_points: float = Field(ge=0)


class MeetingScored(EventData):
    """A meeting's score under one rubric version. `aggregate_version` is the score's version."""

    event_type: ClassVar[str] = "vn.chibo.scoring.meeting.scored.v1"

    meeting_id: str
    branch_id: str
    meeting_version: int = Field(ge=1, description="aggregate_version of the meeting scored.")
    rubric_id: str
    rubric_version: str
    total_points: float = Field(ge=0)
    max_points: float = Field(ge=0)
    grade: Grade
    criteria: list[CriterionScore]


class MeetingScoreConfirmed(EventData):
    """The superior committee confirmed a meeting's score; from now on it is the official one.

    `aggregate_version` is the score's version; `self_total_points` is what the branch gave
    itself, so `total_points - self_total_points` is the committee's correction.
    """

    event_type: ClassVar[str] = "vn.chibo.scoring.meeting.confirmed.v1"

    meeting_id: str
    branch_id: str
    meeting_version: int = Field(ge=1, description="aggregate_version of the meeting scored.")
    rubric_id: str
    rubric_version: str
    total_points: float = Field(ge=0, description="The confirmed (official) total.")
    self_total_points: float = Field(ge=0)
    max_points: float = Field(ge=0)
    grade: Grade
    reason: str = Field(description="Why the committee confirmed or corrected the score.")
    criteria: list[CriterionScore]
