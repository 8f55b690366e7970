"""Annual classification as pure rules: a year's facts → points, level, the quota in a group.

QĐ 366 asks for points and for "tasks done on time, ≥ 30% exceeding". Scoring knows meetings,
not an organisation's work plan, so tasks are approximated from what the records hold:
- a branch's tasks: one meeting per month (12), one thematic meeting per quarter (4) and every
  action item of the year's resolutions; done on time = months met, quarters with a thematic
  meeting, items reported done on time; exceeding = share of its meetings graded Tốt;
- a member's tasks: every meeting in the attendance base, plus every observer report owed;
  done on time = attended (present or excused) and reports filed on time; exceeding = share of
  attended meetings at which the member spoke.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from scoring.policy import ClassificationRules

LEVELS = ("excellent", "good", "fulfilled", "not_fulfilled")
LEVEL_NAMES = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "fulfilled": "Hoàn thành nhiệm vụ",
    "not_fulfilled": "Không hoàn thành nhiệm vụ",
}


@dataclass(frozen=True)
class BranchYear:
    branch_id: str
    meetings: int
    points_sum: float  # Σ total/max × 100 over the year's meetings
    tot_meetings: int
    months_met: int
    quarters_with_thematic: int
    items_total: int
    items_on_time: int
    first_held_on: date | None
    months_due: int = 12  # live months of the year (scoring.golive): one meeting each
    quarters_due: int = 4  # quarters with a live month: one thematic meeting each


@dataclass(frozen=True)
class MemberYear:
    member_id: str
    branch_id: str
    counted: int
    present: int
    excused: int
    unexcused_months: int
    spoke: int
    last_attendance: str
    first_seen_on: date | None
    reports_owed: int = 0
    reports_on_time: int = 0
    observed_branch_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposal:
    subject_type: str
    subject_id: str
    branch_id: str | None
    group: str
    points: float | None
    level: str | None
    reason: str
    on_time_share: float | None = None
    exceeding_share: float | None = None
    excluded_reason: str | None = None
    capped_by_quota: bool = False
    basis: dict[str, float | int | str | None] = field(default_factory=dict)


def too_recent(first_seen: date | None, year: int, months_required: int) -> bool:
    """Recorded history starts less than `months_required` months before the year's end."""
    if months_required == 0:
        return False
    if first_seen is None:
        return True
    return (first_seen.year, first_seen.month) > (year, 13 - months_required)


def level_for(
    points: float, on_time: float, exceeding: float, rules: ClassificationRules
) -> tuple[str, str]:
    all_on_time = on_time >= 1 - 1e-9
    detail = f"{points:.1f} điểm, {on_time:.0%} việc đúng hạn, {exceeding:.0%} vượt yêu cầu"
    if points >= rules.excellent_at_least and all_on_time and exceeding >= rules.exceeding_share:
        return "excellent", f"{detail} → {LEVEL_NAMES['excellent']}"
    if points >= rules.good_at_least and all_on_time:
        why = "" if points < rules.excellent_at_least else " (chưa đủ tỷ lệ vượt yêu cầu)"
        return "good", f"{detail}{why} → {LEVEL_NAMES['good']}"
    if points >= rules.fulfilled_at_least and 1 - on_time <= rules.late_share_fulfilled + 1e-9:
        why = "" if points < rules.good_at_least else " (còn việc chưa đúng hạn)"
        return "fulfilled", f"{detail}{why} → {LEVEL_NAMES['fulfilled']}"
    return "not_fulfilled", f"{detail} → {LEVEL_NAMES['not_fulfilled']}"


def branch_proposal(b: BranchYear, year: int, group: str, rules: ClassificationRules) -> Proposal:
    if b.meetings == 0:
        return Proposal(
            "branch",
            b.branch_id,
            b.branch_id,
            group,
            None,
            None,
            "Không có cuộc họp nào được chấm trong năm.",
            excluded_reason="không có dữ liệu sinh hoạt trong năm (cần xác minh)",
        )
    if too_recent(b.first_held_on, year, rules.months_required):
        return Proposal(
            "branch",
            b.branch_id,
            b.branch_id,
            group,
            None,
            None,
            f"Dữ liệu sinh hoạt bắt đầu {b.first_held_on:%m/%Y}.",
            excluded_reason=f"chưa đủ {rules.months_required} tháng",
        )
    points = round(b.points_sum / b.meetings, 2)
    tasks = b.months_due + b.quarters_due + b.items_total
    done = b.months_met + b.quarters_with_thematic + b.items_on_time
    on_time, exceeding = done / tasks, b.tot_meetings / b.meetings
    level, reason = level_for(points, on_time, exceeding, rules)
    return Proposal(
        "branch",
        b.branch_id,
        b.branch_id,
        group,
        points,
        level,
        reason,
        round(on_time, 4),
        round(exceeding, 4),
        basis={
            "meetings": b.meetings,
            "months_met": b.months_met,
            "quarters_with_thematic": b.quarters_with_thematic,
            "items_total": b.items_total,
            "items_on_time": b.items_on_time,
            "tot_meetings": b.tot_meetings,
        },
    )


def member_proposal(
    m: MemberYear,
    year: int,
    group: str,
    branch_points: dict[str, float],
    rules: ClassificationRules,
) -> Proposal:
    w, c = rules.member, rules.committee_member
    observed = [branch_points[b] for b in m.observed_branch_ids if b in branch_points]
    is_observer = m.reports_owed > 0
    if m.last_attendance == "exempt" and not is_observer:
        return Proposal(
            "member",
            m.member_id,
            m.branch_id,
            group,
            None,
            None,
            "Được miễn công tác và sinh hoạt đảng.",
            excluded_reason="miễn sinh hoạt",
        )
    if m.counted == 0 and not is_observer:
        return Proposal(
            "member",
            m.member_id,
            m.branch_id,
            group,
            None,
            None,
            "Không có kỳ sinh hoạt nào tính tỷ lệ trong năm.",
            excluded_reason="không có dữ liệu sinh hoạt trong năm",
        )
    if m.counted and too_recent(m.first_seen_on, year, rules.months_required):
        return Proposal(
            "member",
            m.member_id,
            m.branch_id,
            group,
            None,
            None,
            f"Có tên trong danh sách sinh hoạt từ {m.first_seen_on:%m/%Y}.",
            excluded_reason=f"chưa đủ {rules.months_required} tháng",
        )
    parts: list[tuple[float, float]] = []  # (weight, points)
    if m.counted:
        own = max(0.0, 100 * m.present / m.counted - w.unexcused_month_penalty * m.unexcused_months)
        if m.branch_id in branch_points:
            own = w.attendance_weight * own + w.branch_weight * branch_points[m.branch_id]
        parts.append((1 - (c.branch_results_weight + c.reports_weight if is_observer else 0), own))
    if is_observer:
        if observed:
            parts.append((c.branch_results_weight, sum(observed) / len(observed)))
        parts.append((c.reports_weight, 100 * m.reports_on_time / m.reports_owed))
    weight = sum(p for p, _ in parts)
    points = round(sum(p * v for p, v in parts) / weight, 2) if weight else 0.0
    tasks = m.counted + m.reports_owed
    done = m.present + m.excused + m.reports_on_time
    on_time = done / tasks if tasks else 1.0
    exceeding = m.spoke / m.present if m.present else 0.0
    level, reason = level_for(points, on_time, exceeding, rules)
    return Proposal(
        "member",
        m.member_id,
        m.branch_id,
        group,
        points,
        level,
        reason,
        round(on_time, 4),
        round(exceeding, 4),
        basis={
            "counted": m.counted,
            "present": m.present,
            "excused": m.excused,
            "unexcused_months": m.unexcused_months,
            "spoke": m.spoke,
            "reports_owed": m.reports_owed,
            "reports_on_time": m.reports_on_time,
            "observed_branches": len(m.observed_branch_ids),
        },
    )


def quota_limit(good_or_better: int, share: float) -> int:
    """The most excellent E with E ≤ share × (good_or_better − E): "excellent must not exceed
    `share` of those rated good" within a group."""
    limit = 0
    while limit < good_or_better and limit + 1 <= share * (good_or_better - limit - 1) + 1e-9:
        limit += 1
    return limit


def apply_quota(proposals: Iterable[Proposal], share: float) -> list[Proposal]:
    """Within each group, keep the best excellent candidates up to the quota; the rest are
    proposed good, marked `capped_by_quota`."""
    by_group: dict[str, list[Proposal]] = defaultdict(list)
    out: list[Proposal] = []
    for p in proposals:
        (by_group[p.group] if p.level in ("excellent", "good") else out).append(p)
    for members in by_group.values():
        candidates = sorted(
            (p for p in members if p.level == "excellent"),
            key=lambda p: (-(p.points or 0), -(p.exceeding_share or 0), p.subject_id),
        )
        keep = quota_limit(len(members), share)
        out += [p for p in members if p.level == "good"]
        out += candidates[:keep]
        out += [
            replace(
                p,
                level="good",
                capped_by_quota=True,
                reason=f"{p.reason}; vượt tỷ lệ xuất sắc của nhóm ({keep}/{len(members)}) "
                f"→ {LEVEL_NAMES['good']}",
            )
            for p in candidates[keep:]
        ]
    return out


def distribution(proposals: Sequence[Proposal]) -> dict[str, int]:
    counts = {level: 0 for level in LEVELS}
    for p in proposals:
        if p.level is not None:
            counts[p.level] += 1
    counts["excluded"] = sum(p.level is None for p in proposals)
    return counts
