"""API shapes of annual classification."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

Level = Literal["excellent", "good", "fulfilled", "not_fulfilled"]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Group = Annotated[str, Field(min_length=1, max_length=100)]
# A large province: ≈ 20,000 branches, ≈ 500,000 members (one in ten excluded at most).
MAX_BRANCHES = 20_000
MAX_EXCLUSIONS = 50_000


class ExclusionIn(BaseModel):
    subject_id: Id = Field(description="a member or branch id")
    reason: str = Field(min_length=1, max_length=300, examples=["đình chỉ sinh hoạt đảng"])


class ProposalRunIn(BaseModel):
    organisation_id: Id | None = Field(
        default=None,
        description="Instead of branch_ids: every branch under this organisation that existed "
        "during the year (the tree on the year's last day). Must lie in the caller's subtree.",
    )
    branch_ids: list[Id] | None = Field(
        default=None,
        max_length=MAX_BRANCHES,
        description="The branches in scope (their members follow), each in the caller's "
        "subtree. With neither this nor organisation_id: every branch with a scored meeting in "
        "the year, which only a province-level account may run.",
    )
    groups: dict[Id, Group] = Field(
        default_factory=dict,
        max_length=MAX_BRANCHES,
        description="branch id → group of comparable units; the excellent quota applies per "
        "group (members take their branch's group). Unlisted branches: group 'all'.",
    )
    exclusions: list[ExclusionIn] = Field(
        default_factory=list,
        max_length=MAX_EXCLUSIONS,
        description="Members or branches not classified, with the reason (suspended, exempt, "
        "admitted or founded less than 6 months ago): scoring has no member status replica.",
    )


class ProposalRunOut(BaseModel):
    year: int
    policy: str
    branch: dict[str, int] = Field(description="count per proposed level, and excluded")
    member: dict[str, int]


class DecisionIn(BaseModel):
    level: Level
    reason: str = Field(min_length=1, max_length=1000)


class ClassificationOut(BaseModel):
    classification_id: str
    year: int
    subject_type: str
    subject_id: str
    branch_id: str | None
    group: str
    points: float | None
    proposed_level: str | None
    capped_by_quota: bool
    excluded_reason: str | None
    reason: str
    basis: dict[str, Any]
    version: int
    proposed_at: datetime
    decided_level: str | None
    decision_reason: str | None
    decided_at: datetime | None
    level: str | None = Field(description="the decided level once given, else the proposed one")
