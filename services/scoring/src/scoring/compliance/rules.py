"""Compliance detectors as pure functions: facts in, flag drafts out (no I/O).

Each draft names its (kind, subject, period); the service stores it once under that key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scoring.policy import ComplianceRules

THEMATIC_TYPES = ("thematic", "combined")


@dataclass(frozen=True)
class FlagDraft:
    kind: str
    severity: str
    subject_type: str
    subject_id: str
    branch_id: str
    period: str
    message: str
    meeting_ids: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def flag_id(self) -> str:
        return f"{self.kind}:{self.subject_id}:{self.period}"


@dataclass(frozen=True)
class MeetingFacts:
    """What the sequence detectors need of one scored meeting."""

    meeting_id: str
    held_on: date
    grade: str
    facts: Mapping[str, Any]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def quarter_of(day: date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def longest_run(months: Sequence[int]) -> int:
    best = run = 0
    previous = None
    for m in sorted(set(months)):
        run = run + 1 if previous is not None and m == previous + 1 else 1
        best, previous = max(best, run), m
    return best


def member_absence_flags(
    member_id: str,
    branch_id: str,
    year: int,
    unexcused: Sequence[tuple[date, str]],
    rules: ComplianceRules,
) -> list[FlagDraft]:
    """Months of `year` with an unexcused absence: warning at 2, removal proposal at 3.

    Counted per calendar year, cumulatively (research §6.1 reads "three months in a year" so);
    the longest consecutive run is carried along for the person who decides.
    """
    in_year = sorted((d, m) for d, m in unexcused if d.year == year)
    months = sorted({d.month for d, _ in in_year})
    details = {
        "unexcused_months_calendar_year": len(months),
        "max_consecutive_unexcused": longest_run(months),
        "months": ", ".join(f"{m:02d}/{year}" for m in months),
    }
    meeting_ids = [m for _, m in in_year]
    out: list[FlagDraft] = []
    if len(months) >= rules.unexcused_months_warning:
        out.append(
            FlagDraft(
                "unexcused_absence_warning",
                "warning",
                "member",
                member_id,
                branch_id,
                str(year),
                f"Đảng viên vắng sinh hoạt không lý do {len(months)} tháng trong năm {year} "
                f"(tháng {details['months']}); nhắc nhở trước khi đến ngưỡng xóa tên.",
                meeting_ids,
                details,
            )
        )
    if len(months) >= rules.unexcused_months_removal:
        out.append(
            FlagDraft(
                "name_removal_proposal",
                "proposal",
                "member",
                member_id,
                branch_id,
                str(year),
                f"Đảng viên bỏ sinh hoạt không lý do {len(months)} tháng trong năm {year} "
                f"(tháng {details['months']}): đề xuất chi bộ xem xét xóa tên; việc xóa tên do "
                "cấp ủy có thẩm quyền quyết định.",
                meeting_ids,
                details,
            )
        )
    return out


def low_attendance_flag(
    branch_id: str, meeting: MeetingFacts, rules: ComplianceRules
) -> FlagDraft | None:
    counted = int(meeting.facts.get("counted_count") or 0)
    rate = meeting.facts.get("attendance_rate")
    if not counted or rate is None or float(rate) >= rules.attendance_below:
        return None
    present = int(meeting.facts.get("present_count") or 0)
    return FlagDraft(
        "attendance_below_threshold",
        "warning",
        "branch",
        branch_id,
        branch_id,
        month_of(meeting.held_on),
        f"Tỷ lệ đảng viên dự sinh hoạt {float(rate):.0%} ({present}/{counted}), dưới ngưỡng "
        f"{rules.attendance_below:.0%}.",
        [meeting.meeting_id],
        {"attendance_rate": round(float(rate), 4), "present": present, "counted": counted},
    )


def consecutive_kem_flags(
    branch_id: str, ordered: Sequence[MeetingFacts], rules: ComplianceRules
) -> list[FlagDraft]:
    """Every run of `consecutive_kem` Kém meetings in date order; flagged at the run's last
    meeting's month."""
    out: list[FlagDraft] = []
    run: list[MeetingFacts] = []
    for meeting in ordered:
        run = [*run, meeting] if meeting.grade == "kem" else []
        if len(run) >= rules.consecutive_kem:
            last = run[-rules.consecutive_kem :]
            out.append(
                FlagDraft(
                    "consecutive_kem",
                    "warning",
                    "branch",
                    branch_id,
                    branch_id,
                    month_of(last[-1].held_on),
                    f"Chi bộ có {len(last)} kỳ sinh hoạt liên tiếp xếp loại Kém ("
                    + ", ".join(m.held_on.strftime("%d/%m/%Y") for m in last)
                    + ").",
                    [m.meeting_id for m in last],
                )
            )
    return out


def follow_up_flag(
    branch_id: str, previous: MeetingFacts, current: MeetingFacts, rules: ComplianceRules
) -> FlagDraft | None:
    """The previous meeting assigned tasks, yet the next one reports no action item at all:
    nobody recorded whether they were done (the record carries counts, not the items)."""
    step = rules.follow_up_after_step
    if previous.facts.get(f"step.{step}") is not True:
        return None
    if int(current.facts.get("previous_action_items_total") or 0) > 0:
        return None
    return FlagDraft(
        "action_items_without_follow_up",
        "warning",
        "branch",
        branch_id,
        branch_id,
        month_of(current.held_on),
        f"Kỳ họp {previous.held_on:%d/%m/%Y} đã giao việc nhưng kỳ họp {current.held_on:%d/%m/%Y} "
        "không kiểm điểm việc nào của nghị quyết kỳ trước.",
        [previous.meeting_id, current.meeting_id],
    )


def missing_thematic_flag(branch_id: str, year: int, quarter: int) -> FlagDraft:
    label = f"{year}-Q{quarter}"
    return FlagDraft(
        "quarter_without_thematic",
        "warning",
        "branch",
        branch_id,
        branch_id,
        label,
        f"Chi bộ chưa sinh hoạt chuyên đề trong quý {quarter}/{year} (mỗi quý ít nhất một lần).",
    )


def ended_quarters(today: date, back: int) -> list[tuple[int, int]]:
    """The `back` most recent quarters that ended before `today`, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(back):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        out.append((year, quarter))
    return out[::-1]
