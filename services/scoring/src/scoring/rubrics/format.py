"""The rubric file format as pydantic models: what a YAML rubric may say, checked at load.

`rubrics/README.md` documents the same format for the people who write rubric files.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from event_contracts.vocabulary import MeetingType
from scoring.rubrics import facts as fact_catalog

MEETING_TYPES: tuple[str, ...] = tuple(MeetingType)
GradeCode = Literal["tot", "kha", "trung_binh", "kem"]
Code = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=32)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(Strict):
    """`fact` compared with exactly one of the bounds; a fact with no value matches nothing."""

    fact: str
    at_least: float | None = None
    above: float | None = None
    at_most: float | None = None
    below: float | None = None
    equals: bool | float | str | None = None

    @model_validator(mode="after")
    def _one_comparison(self) -> Condition:
        if not fact_catalog.is_known(self.fact):
            raise ValueError(f"không có dữ kiện tên '{self.fact}' (xem rubrics/README.md)")
        given = [
            k
            for k in ("at_least", "above", "at_most", "below", "equals")
            if k in self.model_fields_set
        ]
        if len(given) != 1:
            raise ValueError(
                "cần đúng một phép so sánh: at_least, above, at_most, below hoặc equals"
            )
        return self


class Band(Strict):
    when: Condition
    points: float = Field(ge=0)
    note: str = ""


class SubItem(Strict):
    """A scored part of a criterion: computed from facts (bands or proportional) or manual."""

    id: str = Code
    name: str
    max: float = Field(gt=0)
    source: Literal["computed", "manual"]
    bands: list[Band] = Field(default_factory=list)
    otherwise: float = Field(default=0, ge=0)
    proportional: str | None = None
    key: str | None = None
    observer_scored: bool | None = Field(
        default=None,
        description="a manual item the upper-level observer scores too (see Rubric.observer_items)",
    )

    @model_validator(mode="after")
    def _shape(self) -> SubItem:
        if self.source == "manual":
            if self.bands or self.proportional or "otherwise" in self.model_fields_set:
                raise ValueError("tiểu mục chấm tay không có bands/proportional/otherwise")
            return self
        if self.key is not None:
            raise ValueError("chỉ tiểu mục chấm tay mới có key")
        if self.observer_scored is not None:
            raise ValueError("chỉ tiểu mục chấm tay mới có observer_scored")
        if bool(self.bands) == bool(self.proportional):
            raise ValueError("tiểu mục tính tự động cần đúng một trong bands hoặc proportional")
        if self.proportional and not fact_catalog.is_known(self.proportional):
            raise ValueError(f"không có dữ kiện tên '{self.proportional}'")
        too_big = [b.points for b in self.bands if b.points > self.max]
        if too_big or self.otherwise > self.max:
            raise ValueError(f"điểm của một mức vượt tối đa {self.max:g} của tiểu mục")
        return self


class Adjustment(Strict):
    """Points added (or, negative, taken) when a condition holds; the criterion stays in 0..max."""

    when: Condition
    points: float
    note: str


class ExplainCase(Strict):
    when: Condition | None = None
    text: str


class Criterion(Strict):
    code: str = Code
    name: str
    max: float = Field(gt=0)
    applies_to: list[str] | None = None
    not_for: list[str] | None = None
    sub_items: list[SubItem] = Field(min_length=1)
    adjustments: list[Adjustment] = Field(default_factory=list)
    explain: str | list[ExplainCase]

    @model_validator(mode="after")
    def _consistent(self) -> Criterion:
        if self.applies_to is not None and self.not_for is not None:
            raise ValueError("chỉ dùng một trong applies_to hoặc not_for")
        for kind in [*(self.applies_to or []), *(self.not_for or [])]:
            if kind not in MEETING_TYPES:
                raise ValueError(
                    f"loại cuộc họp '{kind}' không có; dùng: {', '.join(MEETING_TYPES)}"
                )
        ids = [s.id for s in self.sub_items]
        if len(set(ids)) != len(ids):
            raise ValueError("mã tiểu mục bị trùng")
        total = sum(s.max for s in self.sub_items)
        if abs(total - self.max) > 1e-9:
            raise ValueError(f"tổng điểm tiểu mục {total:g} khác điểm tối đa {self.max:g}")
        cases = self.explain if isinstance(self.explain, list) else [ExplainCase(text=self.explain)]
        if cases[-1].when is not None:
            raise ValueError("trường hợp diễn giải cuối cùng phải không có điều kiện (when)")
        return self

    def applies(self, meeting_type: str) -> bool:
        if self.applies_to is not None:
            return meeting_type in self.applies_to
        return meeting_type not in (self.not_for or [])

    @property
    def cases(self) -> list[ExplainCase]:
        return self.explain if isinstance(self.explain, list) else [ExplainCase(text=self.explain)]


class Grade(Strict):
    code: GradeCode
    name: str
    at_least: float = Field(ge=0)
    reason: str
    gates: list[str] = Field(default_factory=list)
    gate_failed_reason: str | None = None

    @model_validator(mode="after")
    def _gate_reason(self) -> Grade:
        if self.gates and not self.gate_failed_reason:
            raise ValueError("hạng có điều kiện (gates) cần gate_failed_reason")
        return self


class ReportGroup(Strict):
    """One of the five criteria of the older guidance (HD 12), for reports in that vocabulary."""

    code: Literal["preparation", "attendance", "conduct", "principles", "results"]
    name: str
    criteria: list[str] = Field(min_length=1)


class Settings(Strict):
    minimum_minutes: dict[str, int] = Field(description="`default` and per meeting type")
    agenda_steps: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _default(self) -> Settings:
        bad = [s for s in self.agenda_steps if not fact_catalog.STEP_FACT.match(f"step.{s}")]
        if bad:
            raise ValueError(f"tên bước chỉ gồm chữ thường, số, '_': {', '.join(bad)}")
        if "default" not in self.minimum_minutes:
            raise ValueError("minimum_minutes cần khóa 'default'")
        unknown = set(self.minimum_minutes) - {"default", *MEETING_TYPES}
        if unknown:
            raise ValueError(f"loại cuộc họp không có: {', '.join(sorted(unknown))}")
        return self

    def minimum_for(self, meeting_type: str) -> int:
        return self.minimum_minutes.get(meeting_type, self.minimum_minutes["default"])


class Withdrawal(Strict):
    """An earlier version of the same rubric that is never chosen for a meeting again (it stays
    loaded for the scores pinned to it)."""

    version: str = Field(min_length=1, max_length=32)
    reason: str = Field(min_length=1)


class Rubric(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    version: str = Field(min_length=1, max_length=32)
    name: str
    source: str = ""
    province: str | None = Field(default=None, description="None: the default for any province")
    effective_on: date
    total_points: float = Field(gt=0)
    settings: Settings
    criteria: list[Criterion] = Field(min_length=1)
    grades: list[Grade] = Field(min_length=1)
    report_groups: list[ReportGroup]
    withdraws: list[Withdrawal] = Field(default_factory=list)

    @model_validator(mode="after")
    def _whole(self) -> Rubric:
        for kind in MEETING_TYPES:
            applicable = self.criteria_for(kind)
            codes = [c.code for c in applicable]
            if len(set(codes)) != len(codes):
                raise ValueError(f"tiêu chí trùng mã khi họp '{kind}': {codes}")
            total = sum(c.max for c in applicable)
            if abs(total - self.total_points) > 1e-9:
                raise ValueError(
                    f"họp '{kind}': tổng điểm tiêu chí {total:g} khác total_points "
                    f"{self.total_points:g}"
                )
            keys = [
                s.key or c.code for c in applicable for s in c.sub_items if s.source == "manual"
            ]
            if len(set(keys)) != len(keys):
                raise ValueError(f"họp '{kind}': key chấm tay bị trùng: {keys}")
        thresholds = [g.at_least for g in self.grades]
        if thresholds != sorted(thresholds, reverse=True) or thresholds[-1] != 0:
            raise ValueError("hạng xếp theo at_least giảm dần, hạng cuối at_least: 0")
        known = {c.code for c in self.criteria} | {
            f"{c.code}.{s.id}" for c in self.criteria for s in c.sub_items
        }
        for grade in self.grades:
            for gate in grade.gates:
                if gate not in known:
                    raise ValueError(
                        f"điều kiện '{gate}' của hạng {grade.code} không có trong bảng"
                    )
        grouped = [code for g in self.report_groups for code in g.criteria]
        all_codes = {c.code for c in self.criteria}
        if set(grouped) != all_codes or len(grouped) != len(set(grouped)):
            raise ValueError("report_groups phải xếp mỗi mã tiêu chí vào đúng một nhóm")
        if any(w.version == self.version for w in self.withdraws):
            raise ValueError("một phiên bản không tự rút chính nó (withdraws)")
        return self

    def criteria_for(self, meeting_type: str) -> list[Criterion]:
        return [c for c in self.criteria if c.applies(meeting_type)]

    def manual_items(self, meeting_type: str) -> dict[str, float]:
        """Manual key → maximum, for the criteria that apply to this meeting type."""
        return {
            s.key or c.code: s.max
            for c in self.criteria_for(meeting_type)
            for s in c.sub_items
            if s.source == "manual"
        }

    @property
    def marks_observer_items(self) -> bool:
        """Whether the file says which manual items the observer scores; a file that says
        nothing (written before the marker existed) lets the observer score every manual item."""
        return any(s.observer_scored is not None for c in self.criteria for s in c.sub_items)

    def observer_items(self, meeting_type: str) -> dict[str, float]:
        """Manual key → maximum of the items the observer scores at this meeting type: those
        marked `observer_scored: true`, whatever their codes (C3–C5, N1–N5, H1…), or every
        manual item when the file marks none."""
        marked = self.marks_observer_items
        return {
            s.key or c.code: s.max
            for c in self.criteria_for(meeting_type)
            for s in c.sub_items
            if s.source == "manual" and (s.observer_scored or not marked)
        }


def conditions(criterion: Criterion) -> list[Condition]:
    out = [b.when for s in criterion.sub_items for b in s.bands]
    out += [a.when for a in criterion.adjustments]
    out += [c.when for c in criterion.cases if c.when is not None]
    return out
