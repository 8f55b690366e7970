"""Annual classification as pure rules: a year's facts → points, level, the quota in a pool.

The rule set of the year (`scoring.policy.ClassificationRules`: QĐ 132 of 2018, QĐ 124,
QĐ 366) gives the thresholds, whether "exceeding" counts, how the quota is counted and what the
named inputs of a member do. QĐ 366 asks for points and for "tasks done on time, ≥ 30%
exceeding"; the earlier rules have no points, so the same points serve as their proxy. Scoring
knows meetings,
not an organisation's work plan, so tasks are approximated from what the records hold:
- a branch's tasks: one meeting per month (12), one thematic meeting per quarter (4) and every
  action item of the year's resolutions; done on time = months met, quarters with a thematic
  meeting, items reported done on time; exceeding = share of its meetings graded Tốt;
- a member's tasks: every meeting in the attendance base, plus every observer report owed;
  done on time = attended (present or excused) and reports filed on time; exceeding = share of
  attended meetings at which the member spoke;
- a grassroots Party organisation (đảng bộ cơ sở): its branches' proposals (mean points, mean
  shares), excellent only when every branch reaches the level the rule set names.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from scoring.policy import LEVEL_RANK, ClassificationRules, PoolKey, QuotaRules

LEVELS = ("excellent", "good", "fulfilled", "not_fulfilled")
LEVEL_NAMES = {
    "excellent": "Hoàn thành xuất sắc nhiệm vụ",
    "good": "Hoàn thành tốt nhiệm vụ",
    "fulfilled": "Hoàn thành nhiệm vụ",
    "not_fulfilled": "Không hoàn thành nhiệm vụ",
}
# The tiers a subject sits in: a grassroots Party organisation (đảng bộ or chi bộ cơ sở), a
# sub-branch under a grassroots committee, a member.
GRASSROOTS, SUB_BRANCH, MEMBER = "grassroots", "sub_branch", "member"
RESIDENCE_COMMENTS = {"good": "tốt", "not_good": "chưa tốt"}


@dataclass(frozen=True)
class MemberInputs:
    """The inputs of a member's review that scoring does not record itself, as the request
    gives them (None: no data): the self-assessed level, the residence branch's comment
    (QĐ 213), whether the member was disciplined in the year."""

    self_assessment: str | None = None
    residence_comment: str | None = None
    disciplined: bool | None = None


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
    basis: dict[str, Any] = field(default_factory=dict)
    tier: str = SUB_BRANCH
    grassroots_id: str | None = None  # the grassroots organisation the subject belongs to
    quota_pool: str | None = None


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
    """The level by points and shares; `exceeding` counts only where the rule set asks for it."""
    all_on_time = on_time >= 1 - 1e-9
    detail = f"{points:.1f} điểm, {on_time:.0%} việc đúng hạn"
    if rules.exceeding_share is not None:
        detail += f", {exceeding:.0%} vượt yêu cầu"
    enough = rules.exceeding_share is None or exceeding >= rules.exceeding_share
    if points >= rules.excellent_at_least and all_on_time and enough:
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


def _at_most(level: str, cap: str | None) -> str:
    return cap if cap is not None and LEVEL_RANK[level] > LEVEL_RANK[cap] else level


def apply_member_inputs(
    level: str, reason: str, inputs: MemberInputs, rules: ClassificationRules
) -> tuple[str, str]:
    """Discipline and the residence branch's comment cap the level where the rule set says so;
    a self-assessment is recorded, and named in the reason when it differs."""
    caps = rules.member_inputs
    if inputs.disciplined and caps.disciplined_at_most is not None:
        capped = _at_most(level, caps.disciplined_at_most)
        if capped != level:
            level, reason = capped, f"{reason}; bị kỷ luật trong năm → {LEVEL_NAMES[capped]}"
    if inputs.residence_comment == "not_good" and caps.residence_negative_at_most is not None:
        capped = _at_most(level, caps.residence_negative_at_most)
        if capped != level:
            level = capped
            reason = f"{reason}; chi bộ nơi cư trú nhận xét chưa tốt → {LEVEL_NAMES[capped]}"
    if inputs.self_assessment is not None and inputs.self_assessment != level:
        reason = f"{reason} (tự đánh giá: {LEVEL_NAMES[inputs.self_assessment]})"
    return level, reason


def member_inputs_basis(
    m: MemberYear, branch_points: dict[str, float], inputs: MemberInputs
) -> dict[str, Any]:
    """The five inputs of a member's classification, each named, None where no data exists."""
    return {
        "attendance": (
            {"present": m.present, "excused": m.excused, "counted": m.counted}
            if m.counted
            else None
        ),
        "branch_result": branch_points.get(m.branch_id),
        "self_assessment": inputs.self_assessment,
        "residence_comment": inputs.residence_comment,
        "discipline": inputs.disciplined,
    }


def member_proposal(
    m: MemberYear,
    year: int,
    group: str,
    branch_points: dict[str, float],
    rules: ClassificationRules,
    inputs: MemberInputs | None = None,
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
    given = inputs or MemberInputs()
    level, reason = level_for(points, on_time, exceeding, rules)
    level, reason = apply_member_inputs(level, reason, given, rules)
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
            "inputs": member_inputs_basis(m, branch_points, given),
        },
        tier=MEMBER,
    )


def quota_limit(good_or_better: int, share: float) -> int:
    """The most excellent E with E ≤ share × (good_or_better − E): "excellent must not exceed
    `share` of those rated good" within a group."""
    limit = 0
    while limit < good_or_better and limit + 1 <= share * (good_or_better - limit - 1) + 1e-9:
        limit += 1
    return limit


def quota_cap(good_or_better: int, share: float, base: str = "good") -> int:
    """The most excellent among `good_or_better` subjects: E ≤ share × G (base `good`), or
    E ≤ share × (E + G) (base `good_or_above`: the excellent are chosen among those reaching
    the good standard)."""
    if base == "good_or_above":
        return min(good_or_better, math.floor(share * good_or_better + 1e-9))
    return quota_limit(good_or_better, share)


def pool_of(keys: Sequence[PoolKey]) -> Callable[[Proposal], str]:
    """The quota pool of a proposal by the rule set's keys ("all" when there are none)."""

    def key(p: Proposal) -> str:
        parts = []
        for k in keys:
            if k == "group":
                parts.append(p.group)
            elif k == "tier":
                parts.append(p.tier)
            else:
                parts.append(p.grassroots_id or p.branch_id or p.subject_id)
        return "/".join(parts) or "all"

    return key


def apply_quota(
    proposals: Iterable[Proposal],
    share: float,
    base: str = "good",
    pool: Callable[[Proposal], str] | None = None,
) -> list[Proposal]:
    """Within each pool (by default the group), keep the best excellent candidates up to the
    quota; the rest are proposed good, marked `capped_by_quota`. Every proposal rated good or
    excellent carries its pool."""
    pool = pool or (lambda p: p.group)
    by_pool: dict[str, list[Proposal]] = defaultdict(list)
    out: list[Proposal] = []
    for p in proposals:
        (by_pool[pool(p)] if p.level in ("excellent", "good") else out).append(p)
    for name, members in by_pool.items():
        candidates = sorted(
            (p for p in members if p.level == "excellent"),
            key=lambda p: (-(p.points or 0), -(p.exceeding_share or 0), p.subject_id),
        )
        keep = quota_cap(len(members), share, base)
        out += [replace(p, quota_pool=name) for p in members if p.level == "good"]
        out += [replace(p, quota_pool=name) for p in candidates[:keep]]
        out += [
            replace(
                p,
                level="good",
                capped_by_quota=True,
                quota_pool=name,
                reason=f"{p.reason}; vượt tỷ lệ xuất sắc của nhóm ({keep}/{len(members)}) "
                f"→ {LEVEL_NAMES['good']}",
            )
            for p in candidates[keep:]
        ]
    return out


def apply_rule_quota(
    proposals: Iterable[Proposal], quota: QuotaRules, keys: Sequence[PoolKey]
) -> list[Proposal]:
    return apply_quota(proposals, quota.share, quota.base, pool_of(keys))


def grassroots_proposal(
    org_id: str, group: str, branches: Sequence[Proposal], rules: ClassificationRules
) -> Proposal:
    """A grassroots Party organisation from its branches' proposals (before the quota)."""
    rated = [p for p in branches if p.level is not None and p.points is not None]
    by_level = {level: sum(p.level == level for p in rated) for level in LEVELS}
    basis: dict[str, Any] = {
        "branches": len(branches),
        "branches_rated": len(rated),
        **{f"branches_{level}": n for level, n in by_level.items()},
    }
    if not rated:
        return Proposal(
            "organisation",
            org_id,
            org_id,
            group,
            None,
            None,
            "Không có chi bộ trực thuộc nào được xếp loại trong năm.",
            excluded_reason="không có dữ liệu của các chi bộ trực thuộc",
            basis=basis,
            tier=GRASSROOTS,
            grassroots_id=org_id,
        )
    points = round(sum(p.points or 0 for p in rated) / len(rated), 2)
    on_time = sum(p.on_time_share or 0 for p in rated) / len(rated)
    exceeding = sum(p.exceeding_share or 0 for p in rated) / len(rated)
    level, reason = level_for(points, on_time, exceeding, rules)
    need = rules.grassroots.excellent_needs_branches_at_least
    below = [p for p in rated if need is not None and LEVEL_RANK[p.level or ""] < LEVEL_RANK[need]]
    if level == "excellent" and below:
        level = "good"
        reason += (
            f"; {len(below)} chi bộ trực thuộc dưới mức {LEVEL_NAMES[need or 'good']}"
            f" → {LEVEL_NAMES['good']}"
        )
    return Proposal(
        "organisation",
        org_id,
        org_id,
        group,
        points,
        level,
        f"Từ {len(rated)} chi bộ trực thuộc: {reason}",
        round(on_time, 4),
        round(exceeding, 4),
        basis=basis,
        tier=GRASSROOTS,
        grassroots_id=org_id,
    )


def distribution(proposals: Sequence[Proposal]) -> dict[str, int]:
    counts = {level: 0 for level in LEVELS}
    for p in proposals:
        if p.level is not None:
            counts[p.level] += 1
    counts["excluded"] = sum(p.level is None for p in proposals)
    return counts
