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


class MemberInputIn(BaseModel):
    """What scoring does not record itself about a member's year, as the committee gives it."""

    member_id: Id
    self_assessment: Level | None = Field(default=None, description="the member's own level")
    residence_comment: Literal["good", "not_good"] | None = Field(
        default=None, description="the residence branch committee's comment (QĐ 213)"
    )
    disciplined: bool | None = Field(default=None, description="disciplined in the year")


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
    member_inputs: list[MemberInputIn] = Field(
        default_factory=list,
        max_length=MAX_EXCLUSIONS,
        description="Per member, the inputs of the review beside attendance and the branch's "
        "result: self-assessment, residence-branch comment, discipline. Each proposal names all "
        "five in `basis.inputs` (null where there is no data).",
    )


class ProposalRunOut(BaseModel):
    year: int
    policy: str = Field(description="the rule set of the year: id and version")
    rules: str = Field(description="its name (QĐ 132-QĐ/TW …)")
    branch: dict[str, int] = Field(description="count per proposed level, and excluded")
    organisation: dict[str, int] = Field(
        description="grassroots Party organisations (đảng bộ cơ sở) proposed from their branches"
    )
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


class LevelCountOut(BaseModel):
    count: int
    percent: float | None = Field(description="% of the base, truncated to one decimal")


class OrganisationsOut(BaseModel):
    total: int = Field(description="in the tree on the year's last day")
    rated: int = Field(description="with a decided level (the base of the percentages)")
    pending: int = Field(description="proposed or excluded, not decided yet")
    by_level: dict[Level, LevelCountOut]


class MembersOut(BaseModel):
    total: int = Field(description="members with a classification row of the year")
    classified: LevelCountOut = Field(description="decided; percent of total")
    pending: int
    by_level: dict[Level, LevelCountOut] = Field(description="percent of those classified")


class TableLineOut(BaseModel):
    organisation_id: str
    name: str
    kind: str
    grassroots: OrganisationsOut = Field(description="tổ chức cơ sở đảng (đảng bộ, chi bộ cơ sở)")
    sub_branches: OrganisationsOut = Field(description="chi bộ trực thuộc đảng ủy cơ sở")
    members: MembersOut


class RulesOut(BaseModel):
    id: str
    version: str
    name: str
    quota: str = Field(description="how the rule of the year counts its quota (Vietnamese)")


class QuotaCheckOut(BaseModel):
    subjects: Literal["organisations", "members"]
    pool: str
    pool_name: str
    good_or_above: int
    excellent: int
    cap: int = Field(description="the most excellent the rule allows in this pool")
    excellent_percent_of_base: float | None
    within: bool


class AnnualTableOut(BaseModel):
    year: int
    organisation_id: str
    name: str
    rules: RulesOut
    percent_rule: str
    total: TableLineOut = Field(description="the organisation asked for, everything under it")
    rows: list[TableLineOut] = Field(description="one per organisation directly under it")
    own: TableLineOut | None = Field(description="what sits on the organisation itself, if any")
    quota: list[QuotaCheckOut] = Field(
        description="the decided levels against the year's quota, pool by pool"
    )
    quota_within: bool
