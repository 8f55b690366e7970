"""Worked examples of the rules corrected in hd42-default 2027-01-01 (#14), each beside what
2025-10-28 said of the same meeting: C1's window only for meetings that have one, C6 without
full marks when last month assigned nothing, C7 counting only tasks with an owner and a due date.
"""

from __future__ import annotations

from datetime import date

import pytest
from scoring_factories import BOOK, HD42, facts

from event_contracts.events.meetings import MeetingSubmitted
from scoring.rubrics.engine import CriterionScore, score_meeting


def tasks_points(c7: CriterionScore) -> float:
    return next(s.points for s in c7.sub_items if s.id == "tasks")


JANUARY = date(2027, 1, 6)
FIXED = BOOK.select(held_on=JANUARY)


def on(meeting: MeetingSubmitted, code: str, old: bool = False) -> CriterionScore:
    return score_meeting(HD42 if old else FIXED, meeting).criterion(code)


def test_the_corrected_version_scores_from_january_2027() -> None:
    assert (FIXED.id, FIXED.version) == ("hd42-default", "2027-01-01")
    assert BOOK.select(held_on=date(2026, 12, 31)).version == "2025-10-28"


@pytest.mark.parametrize(
    ("kind", "minutes", "old_points", "new_points"),
    [
        # A regular meeting held on the 20th, outside its window of days 1–5: −1 as before.
        ("regular", 100, 4, 4),
        # A combined session is the month's regular meeting too: −1 as before.
        ("combined", 130, 4, 4),
        # A thematic meeting on "Tự soi, tự sửa" called mid-month: no window to miss.
        ("thematic", 100, 4, 5),
        # An extraordinary meeting on a flood: called when needed, no −1.
        ("extraordinary", 100, 4, 5),
    ],
)
def test_c1_window_only_for_meetings_that_have_one(
    kind: str, minutes: int, old_points: int, new_points: int
) -> None:
    meeting = facts(
        held_on=JANUARY,
        meeting_type=kind,
        duration_minutes=minutes,
        within_scheduled_window=False,
    )
    assert on(meeting, "C1", old=True).points == old_points
    c1 = on(meeting, "C1")
    assert c1.points == new_points
    assert ("ngoài khung" in c1.explanation) == (new_points == 4)


def test_c6_no_full_marks_when_last_month_assigned_no_task() -> None:
    meeting = facts(
        held_on=JANUARY, previous_action_items_total=0, previous_action_items_done_on_time=0
    )
    assert on(meeting, "C6", old=True).points == 30
    c6 = on(meeting, "C6")
    assert c6.points == 10
    assert "không giao việc nào" in c6.explanation
    # 9 of 10 tasks done on time: 30 under both versions.
    done = facts(
        held_on=JANUARY, previous_action_items_total=10, previous_action_items_done_on_time=9
    )
    assert on(done, "C6").points == on(done, "C6", old=True).points == 30


@pytest.mark.parametrize(
    ("total", "complete", "points"),
    [
        (4, 4, 2),  # every task names who and by when
        (4, 3, 1),  # "Vận động bà con giữ vệ sinh" with no owner: not counted
        (4, 0, 0),  # four tasks, none with an owner and a date
        (0, 0, 0),  # no task at all, though the "tasks assigned" step was ticked
    ],
)
def test_c7_counts_only_tasks_with_owner_and_due_date(
    total: int, complete: int, points: int
) -> None:
    meeting = facts(
        held_on=JANUARY, action_items_total=total, action_items_with_owner_and_due=complete
    )
    # The old version gave 2 for the ticked step whatever the tasks were.
    assert tasks_points(on(meeting, "C7", old=True)) == 2
    assert tasks_points(on(meeting, "C7")) == points


def test_c7_a_record_without_the_counts_falls_back_on_the_ticked_step() -> None:
    meeting = facts(held_on=JANUARY)  # an older producer: no counts in the event
    assert meeting.action_items_total is None
    assert tasks_points(on(meeting, "C7")) == 2


@pytest.mark.parametrize(("run", "points"), [(3, 1), (4, 0)])
def test_c2_long_absence_run_is_rule_data(run: int, points: int) -> None:
    """Absent (even excused) 3 meetings running keeps the point, 4 loses it: the 3 is in the
    rubric file (`longest_absence_run at_most 3`), not in code."""
    item = next(
        i
        for i in next(c for c in FIXED.criteria if c.code == "C2").sub_items
        if i.id == "no_long_absence"
    )
    assert item.bands[0].when.fact == "longest_absence_run"
    assert item.bands[0].when.at_most == 3
    from scoring.rubrics.engine import score_sub_item

    facts_ = {"longest_absence_run": run}
    assert score_sub_item(item, facts_, {}, "C2").points == points
