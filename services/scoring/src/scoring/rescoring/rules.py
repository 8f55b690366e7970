"""What a re-scoring job does with one stored score (pure): move it to the new rubric, keep the
new score beside a confirmed one, leave it, or say why it cannot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from scoring.meeting_scores.rules import MANUAL_BY
from scoring.rubrics.engine import refit_facts
from scoring.rubrics.facts import FactValue, absence_facts
from scoring.rubrics.format import Rubric

Action = Literal["rescored", "kept_confirmed", "unchanged", "failed"]


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str = ""
    facts: dict[str, FactValue] = field(default_factory=dict)


def decide(
    target: Rubric,
    *,
    current: tuple[str, str],
    confirmed: bool,
    kept_beside: bool,
    meeting_type: str,
    facts: Mapping[str, FactValue],
    manual: Mapping[str, Mapping[str, float] | None],
    longest_absence_run: int | None,
) -> Decision:
    """`current`: the score's rubric id and version; `kept_beside`: a score under `target` is
    already kept beside this (confirmed) score version; `manual`: each sheet's manual points
    (self, observer, confirmed), None for a sheet not given.

    The facts are the stored ones refitted to the target's settings, with the absence run
    given (taken again from the year's kept rolls). Under the score's own rubric a meeting whose
    facts come out the same is unchanged (so a re-run does nothing), one whose facts changed
    (e.g. scored before the absence runs were kept) is re-scored. Manual points carry over by
    key: a sheet lacking a key the target asks for fails the meeting rather than counting the
    item as zero."""
    if confirmed and kept_beside:
        return Decision("unchanged")
    if not facts:
        return Decision("failed", "điểm được chấm trước khi lưu dữ kiện, không chấm lại được")
    refitted = {**refit_facts(target, facts), **absence_facts(longest_absence_run)}
    if current == (target.id, target.version) and refitted == dict(facts):
        return Decision("unchanged")
    wanted = target.manual_items(meeting_type)
    for kind, points in manual.items():
        missing = [key for key in wanted if points is not None and key not in points]
        if missing:
            return Decision(
                "failed",
                f"phần {MANUAL_BY[kind]} thiếu mục chấm tay {', '.join(missing)} "
                f"của bảng điểm {target.id}",
            )
    return Decision("kept_confirmed" if confirmed else "rescored", facts=refitted)
