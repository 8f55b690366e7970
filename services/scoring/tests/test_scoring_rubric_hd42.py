"""Worked examples of the default rubric: each criterion's bands, and the Tốt gate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from event_contracts.events.meetings import MeetingSubmitted, RollEntry
from scoring.meeting_scores import rules

ALL_STEPS = [*rules.AGENDA_STEPS, *rules.PREP_STEPS, "documents_posted"]


def facts(**overrides: Any) -> MeetingSubmitted:
    start = datetime(2026, 11, 3, 12, 30, tzinfo=UTC)
    roll = [RollEntry(member_id=f"m{i}", attendance="present") for i in range(20)]
    fields: dict[str, Any] = {
        "aggregate_version": 1, "meeting_id": "mt", "branch_id": "b", "meeting_type": "regular",
        "held_on": date(2026, 11, 3), "started_at": start,
        "ended_at": start + timedelta(minutes=100), "duration_minutes": 100,
        "within_scheduled_window": True, "roll": roll,
        "speaker_ids": [f"m{i}" for i in range(11)], "agenda_steps_completed": ALL_STEPS,
        "previous_action_items_total": 10, "previous_action_items_done_on_time": 10,
        "resolution_voted": True, "self_score": {"C3": 3, "C4": 20, "C5": 5},
    }
    fields.update(overrides)
    return MeetingSubmitted.produce(**fields)


@pytest.mark.parametrize(("minutes", "kind", "points"),
                         [(90, "regular", 5), (80, "regular", 4), (62, "regular", 3),
                          (50, "regular", 2), (40, "regular", 1), (110, "combined", 4)])
def test_c1_duration_bands(minutes: int, kind: str, points: int) -> None:
    assert rules.c1_time(facts(duration_minutes=minutes, meeting_type=kind)).points == points


def test_c1_outside_the_window_costs_a_point() -> None:
    c1 = rules.c1_time(facts(within_scheduled_window=False))
    assert c1.points == 4 and "ngoài khung" in c1.explanation


def roll(present: int, excused: int = 0, unexcused: int = 0, exempt: int = 0) -> list[RollEntry]:
    entries = [("present", present), ("excused", excused), ("unexcused", unexcused),
               ("exempt", exempt)]
    out: list[RollEntry] = []
    for attendance, n in entries:
        out += [RollEntry(member_id=f"{attendance}{i}", attendance=attendance)  # type: ignore[arg-type]
                for i in range(n)]
    return out


@pytest.mark.parametrize(("r", "points"), [
    (roll(19, 1), 4), (roll(16, 4), 3), (roll(14, 6), 2), (roll(12, 8), 1),
    (roll(19, 0, 1), 1), (roll(18, 2, 0, 5), 4),
])
def test_c2_attendance_bands(r: list[RollEntry], points: int) -> None:
    assert rules.c2_attendance(facts(roll=r, speaker_ids=[])).points == points


def test_c2_explains_itself_like_the_issue_says() -> None:
    c2 = rules.c2_attendance(facts(roll=roll(20, 2, 1), speaker_ids=[]))
    assert c2.explanation == (
        "dự họp 87% (20/23; 2 vắng có lý do, 1 vắng không lý do) → 1/5 "
        "vì có đảng viên vắng không lý do"
    )


@pytest.mark.parametrize(("done", "points"), [(10, 30), (9, 30), (8, 27), (7, 24), (6, 20),
                                              (5, 15), (4, 10), (0, 10)])
def test_c6_results_bands(done: int, points: int) -> None:
    assert rules.c6_results(facts(previous_action_items_done_on_time=done)).points == points


def test_full_marks_is_tot() -> None:
    result = rules.score_meeting(facts())
    assert result.total == 99 and result.grade == "tot"  # C2's consecutive-absence bonus unknown


def test_a_92_point_meeting_with_an_unexcused_absence_is_kha() -> None:
    r = roll(19, 0, 1)
    result = rules.score_meeting(facts(roll=r, speaker_ids=[e.member_id for e in r[:12]]))
    assert result.total >= 90
    assert result.grade == "kha" and "chưa đạt tối đa" in result.grade_reason


@pytest.mark.parametrize(("total", "grade"), [(89.9, "kha"), (70, "kha"), (69, "trung_binh"),
                                              (50, "trung_binh"), (49.5, "kem")])
def test_grade_thresholds(total: float, grade: str) -> None:
    assert rules.grade_for(total, gates_full=True)[0] == grade


def test_manual_points_are_capped() -> None:
    c5 = rules.c5_principles(facts(self_score={"C5": 50}))
    assert c5.points == 5
