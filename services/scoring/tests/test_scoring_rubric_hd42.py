"""Worked examples of the default rubric (default-hd42.yaml): each band, and the Tốt gate."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest
from scoring_factories import HD42, facts, roll

from event_contracts.events.meetings import MeetingSubmitted, RollEntry
from scoring.rubrics.engine import CriterionScore, RubricScore, grade_for, score_meeting
from scoring.rubrics.facts import FactValue, roll_record


def score(meeting: MeetingSubmitted) -> RubricScore:
    return score_meeting(HD42, meeting)


def criterion(meeting: MeetingSubmitted, code: str) -> CriterionScore:
    return score(meeting).criterion(code)


@pytest.mark.parametrize(
    ("minutes", "kind", "points"),
    [
        (90, "regular", 5),
        (80, "regular", 4),
        (62, "regular", 3),
        (50, "regular", 2),
        (40, "regular", 1),
        (110, "combined", 4),
    ],
)
def test_c1_duration_bands(minutes: int, kind: str, points: int) -> None:
    assert criterion(facts(duration_minutes=minutes, meeting_type=kind), "C1").points == points


def test_c1_outside_the_window_costs_a_point() -> None:
    c1 = criterion(facts(within_scheduled_window=False), "C1")
    assert c1.points == 4 and "ngoài khung" in c1.explanation
    assert (
        c1.explanation
        == "họp 100 phút (tối thiểu 90), ngoài khung ngày sinh hoạt định kỳ (−1) → 4/5"
    )


def test_c1_never_below_zero() -> None:
    c1 = criterion(facts(duration_minutes=0, within_scheduled_window=False), "C1")
    assert c1.points == 0


@pytest.mark.parametrize(
    ("r", "points"),
    [
        (roll(19, 1), 4),
        (roll(16, 4), 3),
        (roll(14, 6), 2),
        (roll(12, 8), 1),
        (roll(19, 0, 1), 1),
        (roll(18, 2, 0, 5), 4),
    ],
)
def test_c2_attendance_bands(r: list[RollEntry], points: int) -> None:
    assert criterion(facts(roll=r, speaker_ids=[]), "C2").points == points


def test_c2_explains_itself_like_the_issue_says() -> None:
    c2 = criterion(facts(roll=roll(20, 2, 1), speaker_ids=[]), "C2")
    assert c2.explanation == (
        "dự họp 87% (20/23; 2 vắng có lý do, 1 vắng không lý do) → 1/5 "
        "vì có đảng viên vắng không lý do"
    )
    assert c2.facts["unexcused_count"] == 1 and c2.facts["counted_count"] == 23


def test_c2_armed_forces_on_duty_are_outside_the_base() -> None:
    members = [*roll(18), RollEntry(member_id="soldier", attendance="excused", on_duty=True)]
    c2 = criterion(facts(roll=members, speaker_ids=[]), "C2")
    assert c2.points == 4 and "(18/18;" in c2.explanation


def month(n: int, attendance: str = "excused", **entry: bool) -> MeetingSubmitted:
    """The branch's meeting of month n: 19 present, and `absent` with that attendance."""
    members = [*roll(19), RollEntry(member_id="absent", attendance=attendance, **entry)]  # type: ignore[arg-type]
    return facts(meeting_id=f"mt-{n:02d}", held_on=date(2026, n, 5), roll=members, speaker_ids=[])


def c2_through_the_year(*meetings: MeetingSubmitted) -> list[tuple[float, FactValue]]:
    """C2 of each meeting given the rolls of the ones before it (as the service keeps them)."""
    out = []
    for at, meeting in enumerate(meetings):
        earlier = [roll_record(m) for m in meetings[:at]]
        c2 = score_meeting(HD42, meeting, year_rolls=earlier).criterion("C2")
        out.append((c2.points, c2.facts["no_long_excused_absence"]))
    return out


def test_c2_plus_one_until_someone_misses_a_fourth_meeting_running() -> None:
    # Excused in January–April: the 4th consecutive absence costs the +1 (19/20 = 95% → 4).
    assert c2_through_the_year(month(1), month(2), month(3), month(4)) == [
        (5, True),
        (5, True),
        (5, True),
        (4, False),
    ]


def test_c2_plus_one_counts_unexcused_absences_in_the_run_too() -> None:
    meetings = [month(1), month(2, "unexcused"), month(3), month(4)]
    # February's unexcused absence is 1/5 on its own; the run of four still costs April's +1.
    assert [p for p, _ in c2_through_the_year(*meetings)] == [5, 1 + 1, 5, 4]


def test_c2_plus_one_stays_lost_for_the_year_and_comes_back_in_january() -> None:
    back = facts(meeting_id="mt-05", held_on=date(2026, 5, 5))  # everyone present
    january = facts(meeting_id="mt-13", held_on=date(2027, 1, 5))
    got = c2_through_the_year(month(1), month(2), month(3), month(4), back, january)
    assert got[4:] == [(4, False), (5, True)]  # "more than 3 running this year"


def test_c2_exempt_or_on_duty_neither_breaks_nor_extends_a_run() -> None:
    exempt, on_duty = month(2, "exempt"), month(3, on_duty=True)
    assert c2_through_the_year(month(1), exempt, on_duty, month(4), month(5))[3:] == [
        (5, True),  # absent twice running, not four times
        (5, True),
    ]
    assert c2_through_the_year(month(1), month(2), exempt, month(4), month(5))[-1] == (4, False)


def test_c2_plus_one_unknown_without_the_years_rolls() -> None:
    c2 = criterion(facts(), "C2")
    assert (c2.points, c2.facts["no_long_excused_absence"]) == (4, None)


def test_c3_counts_preparation_steps_and_the_manual_part() -> None:
    c3 = criterion(facts(agenda_steps_completed=["prep_meeting", "draft_resolution"]), "C3")
    assert c3.points == 2 + 1 + 3
    assert c3.explanation == "chuẩn bị: 2/4 việc (3/7), chất lượng nội dung tự chấm 3/3"


@pytest.mark.parametrize(("speakers", "points"), [(11, 5), (10, 4), (8, 4), (6, 3), (5, 2)])
def test_c4_speaking_share_bands(speakers: int, points: int) -> None:
    c4 = criterion(facts(speaker_ids=[f"m{i}" for i in range(speakers)]), "C4")
    speaking = next(s for s in c4.sub_items if s.id == "speaking")
    assert speaking.points == points


def test_c4_agenda_is_proportional_to_steps_done() -> None:
    steps = HD42.settings.agenda_steps[:7]  # without minutes_approved: no minutes points either
    c4 = criterion(facts(agenda_steps_completed=steps), "C4")
    assert c4.points == 5 + 5 + 0 + 20
    assert c4.explanation.startswith("trình tự 7/14 bước (5/10), phát biểu 55% (5/5)")


@pytest.mark.parametrize(
    ("done", "points"), [(10, 30), (9, 30), (8, 27), (7, 24), (6, 20), (5, 15), (4, 10), (0, 10)]
)
def test_c6_results_bands(done: int, points: int) -> None:
    assert criterion(facts(previous_action_items_done_on_time=done), "C6").points == points


def test_c6_without_last_month_items_is_full() -> None:
    c6 = criterion(facts(previous_action_items_total=0, previous_action_items_done_on_time=0), "C6")
    assert c6.points == 30
    assert c6.explanation == "không có việc nào của nghị quyết tháng trước → 30/30"


def test_c7_closing_items() -> None:
    c7 = criterion(facts(resolution_voted=False), "C7")
    assert c7.points == 3
    assert c7.explanation == (
        "biểu quyết nghị quyết 0/2, giao việc có người và hạn 2/2, gửi văn bản trong 2 ngày 1/1"
    )


def test_thematic_meeting_replaces_c6_with_the_manual_report_quality() -> None:
    result = score(
        facts(meeting_type="thematic", self_score={"C3": 3, "C4": 20, "C5": 5, "C6": 25})
    )
    c6 = result.criterion("C6")
    assert c6.name == "Chất lượng chuyên đề" and c6.points == 25
    assert [c.code for c in result.criteria] == ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
    assert result.max_total == 100 and result.total == 94


def test_full_marks_is_tot() -> None:
    result = score_meeting(HD42, facts(), year_rolls=[])
    assert result.total == 100 and result.grade == "tot"
    assert score(facts()).total == 99  # without the year's rolls C2's +1 is unknown


def test_a_92_point_meeting_with_an_unexcused_absence_is_kha() -> None:
    r = roll(19, 0, 1)
    result = score(facts(roll=r, speaker_ids=[e.member_id for e in r[:12]]))
    assert result.total >= 90
    assert result.grade == "kha" and "chưa đạt tối đa" in result.grade_reason
    assert result.total == 96 and "C2 tỷ lệ dự họp" in result.grade_reason


@pytest.mark.parametrize(
    ("total", "grade"),
    [(89.9, "kha"), (70, "kha"), (69, "trung_binh"), (50, "trung_binh"), (49.5, "kem")],
)
def test_grade_thresholds(total: float, grade: str) -> None:
    assert (
        grade_for(HD42, total, full={"C1", "C2.attendance", "C4.speaking", "C4.minutes"})[0]
        == grade
    )


def test_each_gate_alone_blocks_tot() -> None:
    gates = {"C1", "C2.attendance", "C4.speaking", "C4.minutes"}
    for gate in gates:
        assert grade_for(HD42, 95, full=gates - {gate})[0] == "kha"
    assert grade_for(HD42, 95, full=gates)[0] == "tot"


def test_manual_points_are_capped() -> None:
    c5 = criterion(facts(self_score={"C5": 50}), "C5")
    assert c5.points == 5


def test_stored_criteria_are_every_field_of_the_score() -> None:
    """`as_dict` (what a stored score's criteria hold) is `dataclasses.asdict`, written out."""
    for c in score(facts(roll=roll(present=15, excused=3, unexcused=2))).criteria:
        assert c.as_dict() == asdict(c)
        assert list(c.as_dict()) == list(asdict(c))
