"""Rules a meeting record must satisfy, as plain functions over the submission (no I/O)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from meetings.meetings.schemas import MeetingSubmissionIn
from service_kit.clock import vietnam_date
from service_kit.web.problems import FieldError

# The longest a meeting can plausibly last: a full day's conference with its breaks.
MAX_DURATION = timedelta(hours=12)


def duration_minutes(sub: MeetingSubmissionIn) -> int:
    return max(0, int((sub.ended_at - sub.started_at).total_seconds() // 60))


def within_window(held_on: date, window: tuple[int, int]) -> bool:
    return window[0] <= held_on.day <= window[1]


def violations(sub: MeetingSubmissionIn, today: date) -> list[FieldError]:
    """Every broken rule, each naming its field; empty when the record can be accepted."""
    errors: list[FieldError] = []
    if sub.held_on > today:
        errors.append(FieldError("/held_on", "Ngày họp không được ở tương lai.", "date-in-future"))
    if sub.ended_at <= sub.started_at:
        errors.append(
            FieldError("/ended_at", "Giờ kết thúc phải sau giờ bắt đầu.", "end-before-start")
        )
    elif sub.ended_at - sub.started_at > MAX_DURATION:
        errors.append(
            FieldError(
                "/ended_at",
                f"Cuộc họp không thể kéo dài hơn {MAX_DURATION.seconds // 3600} giờ.",
                "meeting-too-long",
            )
        )
    if vietnam_date(sub.started_at) != sub.held_on:
        errors.append(
            FieldError(
                "/started_at",
                "Giờ bắt đầu (giờ Việt Nam) không thuộc ngày họp.",
                "start-not-on-meeting-day",
            )
        )
    seen = Counter(entry.member_id for entry in sub.roll)
    for i, entry in enumerate(sub.roll):
        if seen[entry.member_id] > 1:
            errors.append(
                FieldError(
                    f"/roll/{i}/member_id",
                    f"Đảng viên {entry.member_id} có tên hơn một lần trong danh sách.",
                    "roll-duplicate-member",
                )
            )
        if entry.attendance == "excused" and not entry.reason:
            errors.append(
                FieldError(
                    f"/roll/{i}/reason",
                    "Vắng có lý do phải ghi rõ lý do.",
                    "excused-without-reason",
                )
            )
    if sub.previous_action_items_done_on_time > sub.previous_action_items_total:
        errors.append(
            FieldError(
                "/previous_action_items_done_on_time",
                "Số việc hoàn thành đúng hạn vượt quá tổng số việc.",
                "action-items-over-total",
            )
        )
    roll_ids = set(seen)
    for i, speaker in enumerate(sub.speaker_ids):
        if speaker not in roll_ids:
            errors.append(
                FieldError(
                    f"/speaker_ids/{i}",
                    "Người phát biểu không có trong danh sách.",
                    "speaker-not-on-roll",
                )
            )
    return errors


def branch_life_violations(
    held_on: date, branch_from: date, branch_to: date | None
) -> list[FieldError]:
    """A meeting is held while its branch exists: not before the registry's date of founding,
    not on or after the day it ceased (merged, split, dissolved)."""
    if held_on < branch_from:
        return [
            FieldError(
                "/held_on",
                f"Ngày họp trước ngày chi bộ được thành lập ({branch_from.isoformat()}).",
                "before-branch-existed",
            )
        ]
    if branch_to is not None and held_on >= branch_to:
        return [
            FieldError(
                "/held_on",
                f"Chi bộ đã thôi tồn tại từ {branch_to.isoformat()} (sáp nhập, chia tách "
                "hoặc giải thể).",
                "after-branch-ended",
            )
        ]
    return []


def roll_violations(sub: MeetingSubmissionIn, roster: dict[str, str] | None) -> list[FieldError]:
    """The roll against the branch's roster on the meeting day (`None`: roster unknown, so not
    checked): everyone on the roster exactly once, nobody else, exempt members marked exempt and
    only they, probationary members flagged so they are not counted as voters."""
    if roster is None:
        return []
    errors: list[FieldError] = []
    listed = {e.member_id for e in sub.roll}
    for i, entry in enumerate(sub.roll):
        status = roster.get(entry.member_id)
        if status is None:
            errors.append(
                FieldError(
                    f"/roll/{i}/member_id",
                    f"{entry.member_id} không thuộc danh sách chi bộ ngày họp.",
                    "not-on-roster",
                )
            )
            continue
        if (status == "exempt") != (entry.attendance == "exempt"):
            detail = (
                "Đảng viên được miễn sinh hoạt phải ghi là miễn."
                if status == "exempt"
                else "Chỉ đảng viên được miễn sinh hoạt mới ghi là miễn."
            )
            errors.append(FieldError(f"/roll/{i}/attendance", detail, "exempt-mismatch"))
        if (status == "probationary") != entry.probationary:
            errors.append(
                FieldError(
                    f"/roll/{i}/probationary",
                    "Đảng viên dự bị phải được đánh dấu (không biểu quyết)."
                    if status == "probationary"
                    else "Đảng viên chính thức không đánh dấu dự bị.",
                    "probationary-mismatch",
                )
            )
    missing = sorted(set(roster) - listed)
    if missing:
        errors.append(
            FieldError(
                "/roll",
                "Thiếu trong danh sách điểm danh: " + ", ".join(missing),
                "roll-missing-member",
            )
        )
    return errors


def derived_action_counts(sub: MeetingSubmissionIn) -> tuple[int, int]:
    """(total, done on time) of the previous resolution's tasks: from the item reports when the
    branch gave them, else the counts it typed."""
    if sub.previous_action_item_reports:
        reports = sub.previous_action_item_reports
        return len(reports), sum(r.status == "done_on_time" for r in reports)
    return sub.previous_action_items_total, sub.previous_action_items_done_on_time


def record_violations(
    sub: MeetingSubmissionIn, previous_items: list[str] | None
) -> list[FieldError]:
    """Votes, member reports and last month's tasks against the record itself and the previous
    meeting (`previous_items`: its task titles; None when there was no previous meeting)."""
    errors: list[FieldError] = []
    voters = sum(e.attendance == "present" and not e.probationary for e in sub.roll)
    if sub.votes is not None:
        cast = sub.votes.in_favour + sub.votes.against + sub.votes.abstain
        if cast > voters:
            errors.append(
                FieldError(
                    "/votes",
                    f"{cast} phiếu nhưng chỉ {voters} đảng viên chính thức có mặt được biểu quyết.",
                    "votes-exceed-voters",
                )
            )
    on_roll = {e.member_id for e in sub.roll}
    for i, report in enumerate(sub.member_reports):
        if report.member_id not in on_roll:
            errors.append(
                FieldError(
                    f"/member_reports/{i}/member_id",
                    "Người báo cáo không có trong danh sách điểm danh.",
                    "reporter-not-on-roll",
                )
            )
    if previous_items:
        reported = {r.title for r in sub.previous_action_item_reports}
        missing = [t for t in previous_items if t not in reported]
        if missing:
            errors.append(
                FieldError(
                    "/previous_action_item_reports",
                    "Chưa báo cáo kết quả các việc của nghị quyết kỳ trước: " + "; ".join(missing),
                    "previous-items-unaccounted",
                )
            )
    return errors
