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
    rescoring_job_id: str | None = Field(
        default=None,
        description="Set when a re-scoring job (a period moved to another rubric) produced this "
        "score rather than a meeting record; subscribers may leave such scores unannounced.",
    )


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


ComplianceKind = Literal[
    "quarter_without_thematic",
    "unexcused_absence_warning",
    "name_removal_proposal",
    "attendance_below_threshold",
    "consecutive_kem",
    "action_items_without_follow_up",
]
ClassificationLevel = Literal["excellent", "good", "fulfilled", "not_fulfilled"]


class ComplianceFlagged(EventData):
    """A compliance detector fired, once per (kind, subject, period).

    `name_removal_proposal` is a proposal: the branch considers it and the competent committee
    decides; nothing is removed by this event.
    """

    event_type: ClassVar[str] = "vn.chibo.scoring.compliance.flagged.v1"

    flag_id: str = Field(description="kind:subject_id:period, unique")
    kind: ComplianceKind
    severity: Literal["warning", "proposal"] = Field(
        description="proposal = a person must decide (e.g. removal from the roll)"
    )
    subject_type: Literal["branch", "member"]
    subject_id: str
    branch_id: str = Field(description="the branch concerned (the member's branch for members)")
    period: str = Field(description="2026-07, 2026-Q3 or 2026")
    message: str = Field(description="Vietnamese text for people")
    meeting_ids: list[str] = Field(default_factory=list, description="the evidence")
    details: dict[str, float | int | str | bool | None] = Field(default_factory=dict)


class ClassificationProposed(EventData):
    """The system's proposed annual classification of a branch or a member (not a decision)."""

    event_type: ClassVar[str] = "vn.chibo.scoring.classification.proposed.v1"

    classification_id: str = Field(description="year:subject_type:subject_id")
    year: int
    subject_type: Literal["branch", "member"]
    subject_id: str
    group: str = Field(description="the group of comparable units the quota applies within")
    points: float = Field(ge=0, le=100)
    level: ClassificationLevel
    capped_by_quota: bool = Field(
        default=False, description="met the excellent bar but the group's quota was full"
    )
    reason: str = Field(description="Vietnamese explanation")


class ClassificationDecided(EventData):
    """The superior committee decided a classification; it may differ from the proposal."""

    event_type: ClassVar[str] = "vn.chibo.scoring.classification.decided.v1"

    classification_id: str
    year: int
    subject_type: Literal["branch", "member"]
    subject_id: str
    proposed_level: ClassificationLevel | None = Field(
        description="None when the subject was excluded from the proposal"
    )
    level: ClassificationLevel
    reason: str
