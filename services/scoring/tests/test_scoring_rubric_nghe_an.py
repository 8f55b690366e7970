"""Worked examples of the Nghệ An 2021 profile (nghe-an-2021.yaml), next to the default."""

from __future__ import annotations

import pytest
from scoring_factories import HD42, NGHE_AN, facts, roll

from scoring.rubrics.engine import score_meeting

# The branch filled in both sheets' manual items: HD 42 keys C3–C5, Nghệ An keys N1, N3–N5.
MANUAL = {"C3": 2, "C4": 12, "C5": 3, "N1": 4, "N3": 10, "N4": 11, "N5": 2}


def test_groups_and_weights_are_the_provinces() -> None:
    assert [(c.code, c.max) for c in NGHE_AN.criteria_for("regular")] == [
        ("N1", 20),
        ("N2", 10),
        ("N3", 45),
        ("N4", 15),
        ("N5", 10),
    ]
    assert [(g.code, g.at_least) for g in NGHE_AN.grades] == [
        ("tot", 80),
        ("kha", 70),
        ("trung_binh", 50),
        ("kem", 0),
    ]


def test_the_same_meeting_is_kha_by_default_and_tot_in_nghe_an() -> None:
    meeting = facts(self_score=MANUAL)
    default, nghe_an = score_meeting(HD42, meeting), score_meeting(NGHE_AN, meeting)
    assert (default.total, default.grade) == (88, "kha")
    assert (nghe_an.total, nghe_an.grade) == (86, "tot")
    assert nghe_an.grade_reason == "từ 80 điểm trở lên"


@pytest.mark.parametrize(
    ("r", "points"),
    [
        (roll(20), 8),
        (roll(19, 1), 8),
        (roll(18, 2), 7),
        (roll(17, 3), 6),
        (roll(16, 4), 4),
        (roll(13, 7), 3),
        (roll(12, 8), 1),
        (roll(19, 0, 1), 3),
    ],
)
def test_n2_attendance_bands(r: list, points: int) -> None:  # type: ignore[type-arg]
    n2 = score_meeting(NGHE_AN, facts(roll=r, speaker_ids=[])).criterion("N2")
    assert n2.points == points


def test_n2_unexcused_absence_caps_and_says_why() -> None:
    n2 = score_meeting(NGHE_AN, facts(roll=roll(20, 2, 1), speaker_ids=[])).criterion("N2")
    assert n2.explanation == (
        "dự họp 87% (20/23; 2 vắng có lý do, 1 vắng không lý do) → 3/10 "
        "vì có đảng viên vắng không lý do"
    )


def test_no_gate_in_nghe_an_an_unexcused_absence_can_still_be_tot() -> None:
    r = roll(19, 0, 1)
    full = {"N1": 6, "N3": 15, "N4": 15, "N5": 3}
    result = score_meeting(
        NGHE_AN, facts(roll=r, speaker_ids=[e.member_id for e in r[:12]], self_score=full)
    )
    assert (result.total, result.grade) == (93, "tot")
    assert (
        score_meeting(HD42, facts(roll=r, speaker_ids=[e.member_id for e in r[:12]])).grade == "kha"
    )


def test_conduct_takes_duration_and_window_into_account() -> None:
    n3 = score_meeting(
        NGHE_AN, facts(duration_minutes=70, within_scheduled_window=False, self_score={"N3": 15})
    ).criterion("N3")
    assert n3.points == 3 + 8 + 7 + 3 + 4 + 3 + 15 - 1
    assert n3.explanation.startswith("họp 70 phút/tối thiểu 90 (3/5)")
    assert n3.explanation.endswith(", ngoài khung ngày sinh hoạt định kỳ (−1) → 42/45")


@pytest.mark.parametrize(("done", "points"), [(10, 4), (9, 4), (7, 3), (5, 2), (4, 1)])
def test_n5_results_of_last_resolution(done: int, points: int) -> None:
    n5 = score_meeting(NGHE_AN, facts(previous_action_items_done_on_time=done)).criterion("N5")
    assert next(s for s in n5.sub_items if s.id == "results").points == points


def test_thematic_meeting_replaces_n5_with_the_report_quality() -> None:
    result = score_meeting(NGHE_AN, facts(meeting_type="thematic", self_score={"N5": 9}))
    n5 = result.criterion("N5")
    assert n5.name == "Chất lượng báo cáo chuyên đề và kết luận" and n5.points == 9
    assert result.max_total == 100
