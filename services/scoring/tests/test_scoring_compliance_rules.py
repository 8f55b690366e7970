"""The detectors and classification rules as worked examples (pure: no database)."""

from __future__ import annotations

from datetime import date

import pytest

from scoring.classification.rules import (
    BranchYear,
    MemberYear,
    apply_quota,
    branch_proposal,
    level_for,
    member_proposal,
    quota_limit,
    too_recent,
)
from scoring.compliance.rules import (
    MeetingFacts,
    consecutive_kem_flags,
    ended_quarters,
    follow_up_flag,
    longest_run,
    low_attendance_flag,
    member_absence_flags,
)
from scoring.policy import load_classification, load_policy

RULES, CLASS = load_policy().compliance, load_classification().for_year(2026)


def meeting(day: int, month: int = 3, grade: str = "kha", **facts: object) -> MeetingFacts:
    return MeetingFacts(f"m-{month}-{day}", date(2026, month, day), grade, facts)


def test_two_months_warn_three_months_propose_removal() -> None:
    one = [(date(2026, 2, 5), "a")]
    assert member_absence_flags("m1", "b", 2026, one, RULES) == []
    two = [*one, (date(2026, 2, 20), "b"), (date(2026, 7, 5), "c")]
    assert [f.kind for f in member_absence_flags("m1", "b", 2026, two, RULES)] == [
        "unexcused_absence_warning"
    ]
    three = [*two, (date(2026, 8, 5), "d"), (date(2025, 12, 5), "last year")]
    flags = member_absence_flags("m1", "b", 2026, three, RULES)
    assert [(f.kind, f.severity) for f in flags] == [
        ("unexcused_absence_warning", "warning"),
        ("name_removal_proposal", "proposal"),
    ]
    removal = flags[1]
    assert removal.flag_id == "name_removal_proposal:m1:2026"
    assert removal.details["unexcused_months_calendar_year"] == 3
    assert removal.details["max_consecutive_unexcused"] == 2
    assert "last year" not in removal.meeting_ids
    assert longest_run([1, 3, 4, 5, 9]) == 3


def test_attendance_below_threshold() -> None:
    low = meeting(5, attendance_rate=0.8, counted_count=20, present_count=16)
    flag = low_attendance_flag("b", low, RULES)
    assert flag is not None and flag.period == "2026-03" and "80% (16/20)" in flag.message
    ok = meeting(5, attendance_rate=0.85, counted_count=20, present_count=17)
    assert low_attendance_flag("b", ok, RULES) is None
    assert low_attendance_flag("b", meeting(5, attendance_rate=0.0, counted_count=0), RULES) is None


def test_two_consecutive_kem_meetings() -> None:
    run = [meeting(1, 1, "kem"), meeting(1, 2, "kha"), meeting(1, 3, "kem"), meeting(1, 4, "kem")]
    flags = consecutive_kem_flags("b", run, RULES)
    assert [(f.period, f.meeting_ids) for f in flags] == [("2026-04", ["m-3-1", "m-4-1"])]


def test_tasks_assigned_then_no_follow_up() -> None:
    assigned = meeting(5, 3, **{"step.tasks_assigned": True})
    silent = meeting(5, 4, previous_action_items_total=0)
    followed = meeting(5, 4, previous_action_items_total=6)
    flag = follow_up_flag("b", assigned, silent, RULES)
    assert flag is not None and flag.period == "2026-04"
    assert follow_up_flag("b", assigned, followed, RULES) is None
    assert follow_up_flag("b", meeting(5, 3), silent, RULES) is None


def test_ended_quarters() -> None:
    assert ended_quarters(date(2027, 1, 10), 2) == [(2026, 3), (2026, 4)]
    assert ended_quarters(date(2026, 5, 1), 1) == [(2026, 1)]


@pytest.mark.parametrize(
    ("points", "on_time", "exceeding", "level"),
    [
        (95, 1.0, 0.4, "excellent"),
        (95, 1.0, 0.2, "good"),  # ≥ 90 but less than 30% exceeding
        (80, 1.0, 0.0, "good"),
        (80, 0.9, 0.0, "fulfilled"),  # a task late: not good
        (60, 0.85, 0.0, "fulfilled"),
        (60, 0.7, 0.0, "not_fulfilled"),  # more than 20% late
        (45, 1.0, 1.0, "not_fulfilled"),
    ],
)
def test_qd366_levels(points: float, on_time: float, exceeding: float, level: str) -> None:
    assert level_for(points, on_time, exceeding, CLASS)[0] == level


def test_quota_is_a_share_of_those_rated_good() -> None:
    assert quota_limit(59, 0.2) == 9  # 9 excellent ≤ 20% of 50 good; 10 > 20% of 49
    assert quota_limit(6, 0.2) == 1 and quota_limit(5, 0.2) == 0
    branches = [
        branch_proposal(
            BranchYear(f"b{i}", 12, 12 * (99 - i * 0.1), 10, 12, 4, 60, 60, date(2020, 1, 1)),
            2026,
            "all",
            CLASS,
        )
        for i in range(12)
    ]
    assert {p.level for p in branches} == {"excellent"}
    capped = apply_quota(branches, 0.2)
    excellent = sorted(p.subject_id for p in capped if p.level == "excellent")
    assert excellent == ["b0", "b1"]  # 2 ≤ 20% of the 10 good; the best points kept
    assert sum(p.capped_by_quota for p in capped) == 10


def test_exclusions_from_the_data() -> None:
    assert too_recent(date(2026, 8, 1), 2026, 6) and not too_recent(date(2026, 7, 1), 2026, 6)
    exempt = MemberYear("m", "b", 0, 0, 0, 0, 0, "exempt", date(2020, 1, 1))
    assert member_proposal(exempt, 2026, "all", {}, CLASS).excluded_reason == "miễn sinh hoạt"
    new = BranchYear("b", 4, 380, 4, 4, 1, 0, 0, date(2026, 9, 1))
    assert branch_proposal(new, 2026, "all", CLASS).excluded_reason == "chưa đủ 6 tháng"


def test_committee_member_counts_branches_and_reports() -> None:
    own = dict(counted=12, present=12, excused=0, unexcused_months=0, spoke=6)
    base = MemberYear("m", "b", **own, last_attendance="present", first_seen_on=date(2020, 1, 1))
    on_time = MemberYear(
        "m", "b", **own, last_attendance="present", first_seen_on=date(2020, 1, 1),
        reports_owed=10, reports_on_time=10, observed_branch_ids=("x",),
    )  # fmt: skip
    late = MemberYear(
        "m", "b", **own, last_attendance="present", first_seen_on=date(2020, 1, 1),
        reports_owed=10, reports_on_time=4, observed_branch_ids=("x",),
    )  # fmt: skip
    points = {"b": 90.0, "x": 60.0}
    plain = member_proposal(base, 2026, "all", points, CLASS)
    assert plain.points == 0.6 * 100 + 0.4 * 90
    weighed = member_proposal(on_time, 2026, "all", points, CLASS)
    assert weighed.points == pytest.approx(0.5 * 96 + 0.3 * 60 + 0.2 * 100)
    assert member_proposal(late, 2026, "all", points, CLASS).level == "not_fulfilled"
