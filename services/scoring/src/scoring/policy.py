"""Compliance thresholds (`policies/default.yaml`) and the annual classification rules, one
dated rule set per file (`policies/classification/*.yaml`, chosen by the year reviewed), as
versioned data. Loaded and validated at start-up like the rubrics (`scoring.context`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scoring.rubrics.book import SAFE_LOADER

POLICIES_DIR = Path(__file__).resolve().parents[2] / "policies"
POLICY_FILE = POLICIES_DIR / "default.yaml"
CLASSIFICATION_DIR = POLICIES_DIR / "classification"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ComplianceRules(_Strict):
    attendance_below: float = Field(ge=0, le=1)
    unexcused_months_warning: int = Field(ge=1, le=12)
    unexcused_months_removal: int = Field(ge=1, le=12)
    consecutive_kem: int = Field(ge=2)
    follow_up_after_step: str
    quarters_checked: int = Field(ge=1, le=8)
    formality_persist_months: int = Field(
        default=3,
        ge=1,
        le=12,
        description="a branch is listed when a formality signal was seen in each of this many "
        "months running",
    )

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


Level = Literal["excellent", "good", "fulfilled", "not_fulfilled"]
LEVEL_RANK: dict[str, int] = {"not_fulfilled": 0, "fulfilled": 1, "good": 2, "excellent": 3}
# What a quota pool is keyed by: the request's group of comparable units, the tier of the
# subject (a grassroots organisation, a sub-branch, a member), the grassroots organisation the
# subject belongs to (itself for a grassroots organisation).
PoolKey = Literal["group", "tier", "grassroots_organisation"]


class QuotaRules(_Strict):
    """How the year's rule counts its excellent quota: excellent ≤ `share` of `base`, within
    each pool (organisations and members pooled separately)."""

    share: float = Field(ge=0, le=1)
    base: Literal["good", "good_or_above"] = Field(
        description="good: those rated good only (E ≤ share × G); good_or_above: those reaching "
        "the good standard, the excellent among them (E ≤ share × (E + G))"
    )
    organisations: list[PoolKey] = Field(
        description="pool keys for organisations (grassroots organisations and sub-branches); "
        "[] = one pool for the whole run"
    )
    members: list[PoolKey]
    explanation: str = Field(min_length=1, description="Vietnamese, shown with the annual table")


class GrassrootsRules(_Strict):
    """A grassroots Party organisation (đảng bộ cơ sở) classified from its branches."""

    excellent_needs_branches_at_least: Level | None = Field(
        description="excellent only when every branch under it is at least this level"
    )


class MemberInputRules(_Strict):
    """What the named inputs beside attendance and the branch's result do to a member's level."""

    disciplined_at_most: Level | None = Field(description="disciplined in the year: at most this")
    residence_negative_at_most: Level | None = Field(
        description="the residence branch's committee commented 'not good': at most this"
    )


class ClassificationRules(_Strict):
    """One dated rule set of the annual review (QĐ 132 of 2018 and its guidance, QĐ 124, QĐ 366),
    chosen by the year reviewed."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    version: str = Field(min_length=1, max_length=32)
    name: str
    source: str
    effective_on: date
    excellent_at_least: float
    good_at_least: float
    fulfilled_at_least: float
    exceeding_share: float | None = Field(
        ge=0,
        le=1,
        description="share exceeding requirements needed for excellent (QĐ 366); None: no such "
        "condition in the rule",
    )
    late_share_fulfilled: float = Field(ge=0, le=1)
    months_required: int = Field(ge=0, le=12)
    quota: QuotaRules
    grassroots: GrassrootsRules
    member: MemberWeights
    committee_member: CommitteeWeights
    member_inputs: MemberInputRules

    @property
    def label(self) -> str:
        return f"{self.id} {self.version}"


class Policy(_Strict):
    """Compliance thresholds (the detectors after each meeting and the quarterly sweep)."""

    id: str
    version: str
    source: str
    compliance: ComplianceRules


def load_policy(path: Path = POLICY_FILE) -> Policy:
    return Policy.model_validate(yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER))


class NoRules(LookupError):
    """No classification rule set covers the year asked (the message says so in Vietnamese)."""


@dataclass(frozen=True)
class ClassificationBook:
    """Every dated rule set of the annual review; `for_year` picks the one of a year."""

    rule_sets: tuple[ClassificationRules, ...]

    def in_force_on(self, day: date) -> ClassificationRules | None:
        """The newest rule set in force on `day` (by its effective date, then its version);
        None before the first one."""
        pool = [r for r in self.rule_sets if r.effective_on <= day]
        return max(pool, key=lambda r: (r.effective_on, r.version)) if pool else None

    def first(self) -> ClassificationRules:
        return min(self.rule_sets, key=lambda r: r.effective_on)

    def for_year(self, year: int) -> ClassificationRules:
        """The newest rule set in force by the year's end, when the review is held (QĐ 366 of
        30/8/2025 governs the 2025 review; QĐ 132 of 08/3/2018 the 2018 one)."""
        found = self.in_force_on(date(year, 12, 31))
        if found is None:
            first = self.first()
            raise NoRules(
                f"Không có quy định xếp loại cho năm {year}; quy định sớm nhất được nạp: "
                f"{first.name}, hiệu lực {first.effective_on:%d/%m/%Y}."
            )
        return found


def load_classification(directory: Path = CLASSIFICATION_DIR) -> ClassificationBook:
    """Every `*.yaml` of the folder, validated; all errors at once, each naming its file."""
    rule_sets: list[ClassificationRules] = []
    errors: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
            rule_sets.append(ClassificationRules.model_validate(raw))
        except yaml.YAMLError as exc:
            errors.append(f"{path.name}: không đọc được YAML: {exc}")
        except ValidationError as exc:
            errors += [
                f"{path.name}: {'.'.join(str(x) for x in e['loc']) or '(gốc)'}: {e['msg']}"
                for e in exc.errors()
            ]
    seen: set[tuple[str, str]] = set()
    for r in rule_sets:
        if (r.id, r.version) in seen:
            errors.append(f"{r.id} phiên bản {r.version} có ở hơn một tệp")
        seen.add((r.id, r.version))
    if not rule_sets and not errors:
        errors.append(f"{directory}: không có tệp quy định xếp loại *.yaml nào")
    if errors:
        raise ValueError("\n".join(errors))
    return ClassificationBook(tuple(rule_sets))
