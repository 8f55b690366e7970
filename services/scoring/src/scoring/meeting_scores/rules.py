"""Pure rules of meeting scores: the three score sheets side by side, and manual-point checks.

Self (the branch), observer (the upper-level committee member who attended) and confirmed (the
superior committee) share the computed sub-items and differ only in their manual points. The
confirmed sheet is official once it exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring.rubrics.engine import RubricScore, evaluate
from scoring.rubrics.facts import FactValue
from scoring.rubrics.format import Rubric

MANUAL_BY = {"self": "tự chấm", "observer": "cấp ủy viên dự chấm", "confirmed": "cấp trên xác nhận"}


@dataclass(frozen=True)
class Sheets:
    self: RubricScore
    observer: RubricScore | None
    confirmed: RubricScore | None

    @property
    def official_source(self) -> str:
        return "confirmed" if self.confirmed is not None else "self"

    @property
    def official(self) -> RubricScore:
        return self.confirmed or self.self


def sheets(
    rubric: Rubric,
    meeting_type: str,
    facts: Mapping[str, FactValue],
    self_manual: Mapping[str, float],
    observer_manual: Mapping[str, float] | None = None,
    confirmed_manual: Mapping[str, float] | None = None,
) -> Sheets:
    def sheet(manual: Mapping[str, float], kind: str) -> RubricScore:
        return evaluate(rubric, meeting_type, facts, manual, MANUAL_BY[kind])

    # The observer scores the items the rubric marks as theirs; the other manual items (and any
    # they left out) read the branch's own points, so the sheets differ only where they judged.
    return Sheets(
        sheet(self_manual, "self"),
        None if observer_manual is None else sheet({**self_manual, **observer_manual}, "observer"),
        None if confirmed_manual is None else sheet(confirmed_manual, "confirmed"),
    )


def _difference(other: RubricScore | None, code: str, own: float) -> float | None:
    return None if other is None else round(other.criterion(code).points - own, 2)


def criteria_entries(found: Sheets) -> list[dict[str, Any]]:
    """The official criteria, each with every sheet's points and the differences to self."""
    out = []
    for criterion in found.official.criteria:
        own = found.self.criterion(criterion.code).points
        entry = criterion.as_dict()
        entry["self_points"] = own
        for kind, sheet in (("observer", found.observer), ("confirmed", found.confirmed)):
            entry[f"{kind}_points"] = (
                None if sheet is None else sheet.criterion(criterion.code).points
            )
            entry[f"{kind}_difference"] = _difference(sheet, criterion.code, own)
        out.append(entry)
    return out


def manual_point_errors(
    rubric: Rubric, meeting_type: str, points: Mapping[str, float]
) -> list[tuple[str, str]]:
    """(key, Vietnamese message) for every manual point that is missing, unknown or out of range."""
    allowed = rubric.manual_items(meeting_type)
    errors = [
        (key, f"không phải mục chấm tay của bảng điểm {rubric.id}; dùng: {', '.join(allowed)}")
        for key in points
        if key not in allowed
    ]
    errors += [
        (key, f"thiếu điểm (tối đa {top:g})") for key, top in allowed.items() if key not in points
    ]
    errors += [
        (key, f"phải từ 0 đến {allowed[key]:g}")
        for key, value in points.items()
        if key in allowed and not 0 <= value <= allowed[key]
    ]
    return errors
