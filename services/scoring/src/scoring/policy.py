"""Compliance thresholds and classification rules as versioned data (`policies/*.yaml`).

Loaded and validated at start-up like the rubrics (`scoring.context`).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.rubrics.book import SAFE_LOADER

POLICY_FILE = Path(__file__).resolve().parents[2] / "policies" / "default.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ComplianceRules(_Strict):
    attendance_below: float = Field(ge=0, le=1)
    unexcused_months_warning: int = Field(ge=1, le=12)
    unexcused_months_removal: int = Field(ge=1, le=12)
    consecutive_kem: int = Field(ge=2)
    follow_up_after_step: str
    quarters_checked: int = Field(ge=1, le=8)

    @model_validator(mode="after")
    def _warning_before_removal(self) -> ComplianceRules:
        if self.unexcused_months_warning >= self.unexcused_months_removal:
            raise ValueError("unexcused_months_warning phải nhỏ hơn unexcused_months_removal")
        return self


class MemberWeights(_Strict):
    attendance_weight: float = Field(ge=0, le=1)
    branch_weight: float = Field(ge=0, le=1)
    unexcused_month_penalty: float = Field(ge=0)

    @model_validator(mode="after")
    def _sum_to_one(self) -> MemberWeights:
        if abs(self.attendance_weight + self.branch_weight - 1) > 1e-9:
            raise ValueError("attendance_weight + branch_weight phải bằng 1")
        return self


class CommitteeWeights(_Strict):
    branch_results_weight: float = Field(ge=0, le=1)
    reports_weight: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _room_for_own(self) -> CommitteeWeights:
        if self.branch_results_weight + self.reports_weight > 1:
            raise ValueError("branch_results_weight + reports_weight không được quá 1")
        return self


class ClassificationRules(_Strict):
    excellent_at_least: float
    good_at_least: float
    fulfilled_at_least: float
    exceeding_share: float = Field(ge=0, le=1)
    late_share_fulfilled: float = Field(ge=0, le=1)
    quota_share: float = Field(ge=0, le=1)
    months_required: int = Field(ge=0, le=12)
    member: MemberWeights
    committee_member: CommitteeWeights


class Policy(_Strict):
    id: str
    version: str
    source: str
    compliance: ComplianceRules
    classification: ClassificationRules


def load_policy(path: Path = POLICY_FILE) -> Policy:
    return Policy.model_validate(yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER))
