"""What a re-scoring job decides for one stored score (pure): worked examples."""

from __future__ import annotations

from typing import Any

from scoring_factories import HD42, NGHE_AN, facts

from scoring.rescoring.rules import decide
from scoring.rubrics.engine import facts_of

STORED = facts_of(HD42, facts(duration_minutes=100), year_rolls=[])
SELF = {"C3": 3, "C4": 20, "C5": 5}
NEWER = HD42.model_copy(
    update={
        "version": "2026-12-01",
        "settings": HD42.settings.model_copy(
            update={"minimum_minutes": {"default": 120}, "agenda_steps": ["vote", "scoring"]}
        ),
    }
)


def decision(target: Any = NEWER, **given: Any) -> Any:
    args: dict[str, Any] = {
        "current": (HD42.id, HD42.version),
        "confirmed": False,
        "kept_beside": False,
        "meeting_type": "regular",
        "facts": STORED,
        "manual": {"self": SELF, "observer": None, "confirmed": None},
        "longest_absence_run": 0,
    }
    return decide(target, **(args | given))


def test_the_facts_are_refitted_to_the_new_rubrics_settings() -> None:
    moved = decision()
    assert moved.action == "rescored"
    assert (moved.facts["minimum_minutes"], moved.facts["duration_shortfall_minutes"]) == (120, 20)
    assert (moved.facts["agenda_steps_required"], moved.facts["agenda_completion"]) == (2, 1.0)
    assert moved.facts["duration_minutes"] == STORED["duration_minutes"] == 100


def test_the_absence_run_is_taken_again() -> None:
    assert decision(longest_absence_run=4).facts["no_long_excused_absence"] is False
    assert decision(longest_absence_run=None).facts["no_long_excused_absence"] is None


def test_already_under_the_rubric_or_kept_beside_is_unchanged() -> None:
    assert decision(HD42).action == "unchanged"
    assert decision(confirmed=True, kept_beside=True).action == "unchanged"
    assert decision(confirmed=True).action == "kept_confirmed"


def test_under_its_own_rubric_a_score_with_stale_facts_is_rescored() -> None:
    """Scored before the absence runs were kept: the same rubric version, now with the +1."""
    before = {**STORED, "longest_absence_run": None, "no_long_excused_absence": None}
    again = decision(HD42, facts=before)
    assert again.action == "rescored" and again.facts == STORED


def test_a_sheet_without_the_new_rubrics_manual_items_fails_the_meeting() -> None:
    failed = decision(NGHE_AN)
    assert (failed.action, failed.reason) == (
        "failed",
        "phần tự chấm thiếu mục chấm tay N1, N3, N4, N5 của bảng điểm nghe-an-2021",
    )
    observer = decision(manual={"self": SELF, "observer": {"C4": 10}, "confirmed": None})
    assert observer.reason == (
        "phần cấp ủy viên dự chấm thiếu mục chấm tay C3, C5 của bảng điểm hd42-default"
    )


def test_a_score_without_stored_facts_fails() -> None:
    assert decision(facts={}).action == "failed"
