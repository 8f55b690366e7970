"""Scoring a meeting against a rubric: pure functions from facts and manual points to a result."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from event_contracts.events.meetings import MeetingSubmitted
from scoring.rubrics import facts as fact_catalog
from scoring.rubrics.facts import (
    FactValue,
    RollRecord,
    absence_facts,
    backfilled_facts,
    fact_value,
    longest_absence_runs,
    meeting_facts,
    roll_record,
    settings_facts,
)
from scoring.rubrics.format import Condition, Criterion, Rubric, SubItem, conditions


@dataclass(frozen=True)
class SubItemScore:
    id: str
    name: str
    source: str
    points: float
    max_points: float
    note: str = ""
    key: str | None = None

    @property
    def full(self) -> bool:
        return self.points >= self.max_points

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "source": self.source,
            "points": self.points,
            "max_points": self.max_points,
            "note": self.note,
            "key": self.key,
        }


@dataclass(frozen=True)
class CriterionScore:
    code: str
    name: str
    points: float
    max_points: float
    explanation: str
    facts: dict[str, FactValue] = field(default_factory=dict)
    sub_items: list[SubItemScore] = field(default_factory=list)

    @property
    def full(self) -> bool:
        return self.points >= self.max_points

    def as_dict(self) -> dict[str, Any]:
        """`dataclasses.asdict` written out: this runs for every criterion of every score, and
        the generic recursive copy cost more than the scoring itself."""
        return {
            "code": self.code,
            "name": self.name,
            "points": self.points,
            "max_points": self.max_points,
            "explanation": self.explanation,
            "facts": dict(self.facts),
            "sub_items": [s.as_dict() for s in self.sub_items],
        }


@dataclass(frozen=True)
class RubricScore:
    rubric_id: str
    rubric_version: str
    criteria: list[CriterionScore]
    total: float
    max_total: float
    grade: str
    grade_reason: str

    def criterion(self, code: str) -> CriterionScore:
        return next(c for c in self.criteria if c.code == code)


class _Missing:
    """A fact with no value: reads "không rõ" whatever the format asks."""

    def __format__(self, spec: str) -> str:
        return "không rõ"


@dataclass(frozen=True)
class _Part:
    points: float
    max: float
    note: str = ""
    count: int = 0
    full_count: int = 0


def matches(condition: Condition, facts: Mapping[str, FactValue]) -> bool:
    value = fact_value(facts, condition.fact)
    if value is None:
        return False
    if "equals" in condition.model_fields_set:
        return bool(value == condition.equals)
    if isinstance(value, str):
        return False
    number = float(value)
    if condition.at_least is not None:
        return number >= condition.at_least
    if condition.above is not None:
        return number > condition.above
    if condition.at_most is not None:
        return number <= condition.at_most
    return condition.below is not None and number < condition.below


def _clamp(value: float, top: float) -> float:
    return max(0.0, min(top, value))


def score_sub_item(
    item: SubItem, facts: Mapping[str, FactValue], manual: Mapping[str, float], code: str
) -> SubItemScore:
    if item.source == "manual":
        key = item.key or code
        points = _clamp(float(manual.get(key, 0.0)), item.max)
        return SubItemScore(item.id, item.name, "manual", points, item.max, key=key)
    if item.proportional:
        share = fact_value(facts, item.proportional)
        points = 0.0 if share is None else float(round(item.max * float(share)))
        return SubItemScore(item.id, item.name, "computed", _clamp(points, item.max), item.max)
    band = next((b for b in item.bands if matches(b.when, facts)), None)
    points, note = (band.points, band.note) if band else (item.otherwise, "")
    return SubItemScore(item.id, item.name, "computed", points, item.max, note)


def template_context(
    criterion: Criterion,
    facts: Mapping[str, FactValue],
    subs: list[SubItemScore] | None = None,
    points: float = 0.0,
    notes: str = "",
    manual_by: str = "tự chấm",
) -> dict[str, Any]:
    """What an explanation template may name: facts, each sub-item by id, totals and notes."""
    subs = subs or [SubItemScore(s.id, s.name, s.source, 0.0, s.max) for s in criterion.sub_items]
    context: dict[str, Any] = {k: _Missing() if v is None else v for k, v in facts.items()}
    for source in ("computed", "manual"):
        part = [s for s in subs if s.source == source]
        context[source] = _Part(
            sum(s.points for s in part),
            sum(s.max_points for s in part),
            count=len(part),
            full_count=sum(s.full and s.points > 0 for s in part),
        )
    context.update({s.id: _Part(s.points, s.max_points, s.note) for s in subs})
    context.update(points=points, max=criterion.max, notes=notes, manual_by=manual_by)
    return context


def _used_facts(criterion: Criterion, text: str, facts: Mapping[str, FactValue]) -> dict[str, Any]:
    names = {b.when.fact for s in criterion.sub_items for b in s.bands}
    names |= {s.proportional for s in criterion.sub_items if s.proportional}
    names |= {a.when.fact for a in criterion.adjustments}
    names |= {
        f.split(".", 1)[0].split("[", 1)[0] for _, f, _, _ in string.Formatter().parse(text) if f
    }
    return {name: fact_value(facts, name) for name in sorted(names) if name in facts or "." in name}


def score_criterion(
    criterion: Criterion,
    facts: Mapping[str, FactValue],
    manual: Mapping[str, float],
    manual_by: str = "tự chấm",
) -> CriterionScore:
    subs = [score_sub_item(s, facts, manual, criterion.code) for s in criterion.sub_items]
    fired = [a for a in criterion.adjustments if matches(a.when, facts)]
    raw = sum(s.points for s in subs) + sum(a.points for a in fired)
    points = round(_clamp(raw, criterion.max), 2)
    notes = "".join(s.note for s in subs) + "".join(a.note for a in fired)
    case = next(c for c in criterion.cases if c.when is None or matches(c.when, facts))
    context = template_context(criterion, facts, subs, points, notes, manual_by)
    return CriterionScore(
        criterion.code,
        criterion.name,
        points,
        criterion.max,
        case.text.format_map(context),
        _used_facts(criterion, case.text, facts),
        subs,
    )


def grade_for(rubric: Rubric, total: float, full: set[str]) -> tuple[str, str]:
    """The highest grade reached whose gates are at full marks; a failed gate says which."""
    blocked: str | None = None
    labels = _gate_labels(rubric)
    for grade in rubric.grades:
        if total < grade.at_least:
            continue
        failed = [gate for gate in grade.gates if gate not in full]
        if failed:
            if blocked is None:
                blocked = f"{grade.gate_failed_reason}: " + ", ".join(labels[g] for g in failed)
            continue
        return grade.code, blocked or grade.reason
    last = rubric.grades[-1]
    return last.code, blocked or last.reason


def _gate_labels(rubric: Rubric) -> dict[str, str]:
    out = {c.code: f"{c.code} {c.name.lower()}" for c in rubric.criteria}
    out.update(
        {
            f"{c.code}.{s.id}": f"{c.code} {s.name.lower()}"
            for c in rubric.criteria
            for s in c.sub_items
        }
    )
    return out


def evaluate(
    rubric: Rubric,
    meeting_type: str,
    facts: Mapping[str, FactValue],
    manual: Mapping[str, float],
    manual_by: str = "tự chấm",
) -> RubricScore:
    """`manual_by` says in the explanations who gave the manual points."""
    criteria = [
        score_criterion(c, facts, manual, manual_by) for c in rubric.criteria_for(meeting_type)
    ]
    total = round(sum(c.points for c in criteria), 2)
    full = {c.code for c in criteria if c.full} | {
        f"{c.code}.{s.id}" for c in criteria for s in c.sub_items if s.full
    }
    grade, reason = grade_for(rubric, total, full)
    max_total = sum(c.max_points for c in criteria)
    return RubricScore(rubric.id, rubric.version, criteria, total, max_total, grade, reason)


def facts_of(
    rubric: Rubric, meeting: MeetingSubmitted, year_rolls: Iterable[RollRecord] | None = None
) -> dict[str, FactValue]:
    """`year_rolls`: the branch's other meetings of the year (this one's stored roll, if any,
    is replaced by the record's); without them the absence-run facts stay unknown."""
    facts = meeting_facts(
        meeting,
        minimum_minutes=rubric.settings.minimum_for(meeting.meeting_type),
        agenda_steps=rubric.settings.agenda_steps,
    )
    if year_rolls is not None:
        own = roll_record(meeting)
        rolls = [r for r in year_rolls if r.meeting_id != own.meeting_id] + [own]
        facts.update(absence_facts(longest_absence_runs(rolls)[own.meeting_id]))
    return facts


def refit_facts(rubric: Rubric, facts: Mapping[str, FactValue]) -> dict[str, FactValue]:
    """A stored meeting's facts as `rubric` would compute them (its minimum duration, its
    agenda steps)."""
    meeting_type = str(facts["meeting_type"])
    return {
        **facts,
        **backfilled_facts(facts),
        **settings_facts(
            facts,
            minimum_minutes=rubric.settings.minimum_for(meeting_type),
            agenda_steps=rubric.settings.agenda_steps,
        ),
    }


def score_meeting(
    rubric: Rubric,
    meeting: MeetingSubmitted,
    manual: Mapping[str, float] | None = None,
    year_rolls: Iterable[RollRecord] | None = None,
) -> RubricScore:
    """The meeting's score; manual points default to the branch's own (self) score."""
    facts = facts_of(rubric, meeting, year_rolls)
    return evaluate(
        rubric, meeting.meeting_type, facts, meeting.self_score if manual is None else manual
    )


def check_templates(rubric: Rubric) -> None:
    """Every explanation template of `rubric` renders with sample facts (ValueError if not):
    a template naming a fact that does not exist stops the start-up, not a scoring."""
    steps = {
        cond.fact
        for c in rubric.criteria
        for cond in conditions(c)
        if cond.fact.startswith("step.")
    }
    sample = fact_catalog.sample_facts(steps)
    for criterion in rubric.criteria:
        context = template_context(criterion, sample)
        for case in criterion.cases:
            _render_check(criterion.code, case.text, context)


def _render_check(code: str, text: str, context: dict[str, Any]) -> None:
    for _, name, _, _ in string.Formatter().parse(text):
        if name is None:
            continue
        root = name.split(".", 1)[0].split("[", 1)[0]
        if root not in context:
            raise ValueError(f"tiêu chí {code}: mẫu diễn giải dùng '{{{name}}}' không có")
    try:
        text.format_map(context)
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ValueError(f"tiêu chí {code}: mẫu diễn giải lỗi: {exc}") from exc
