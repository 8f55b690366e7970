"""Expecting reports when a meeting is logged, filing them, and flagging the overdue ones."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.events.meetings import ObserverReportFiled, ObserverReportOverdue
from meetings.meetings.models import BranchMeeting
from meetings.observers import rules
from meetings.observers.models import ObserverReport
from meetings.observers.schemas import (
    ObserverDutyOut,
    ObserverReportIn,
    ObserverReportOut,
    ObserverYearReport,
)
from meetings.policy import MeetingRules
from meetings.requests.service import RequestRules, raise_requests
from service_kit.errors import Conflict, FieldError, Forbidden, Invalid
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork


def expect_reports(
    uow: UnitOfWork,
    meeting_id: str,
    branch_id: str,
    held_on: date,
    observers: list[str],
    rules_then: MeetingRules,
) -> None:
    """A new meeting expects a report from each observer assigned to the branch that day
    (`org_tree.observers.observers_of`, read before the write), due as the rule set in force on
    the meeting's day for the branch's province says."""
    logged_at = uow.now()
    due = rules.observer_due(held_on, logged_at, rules_then)
    details: dict[str, Any] = {
        "month_due_at": due.month_due_at.isoformat(),
        "logged_at": logged_at.isoformat(),
        "logged_late": due.logged_late,
    }
    for member_id in dict.fromkeys(observers):
        uow.session.add(
            ObserverReport(
                meeting_id=meeting_id,
                observer_member_id=member_id,
                id=new_id(),
                branch_id=branch_id,
                due_at=due.due_at,
                details=dict(details),
            )
        )


async def file_report(
    uow: UnitOfWork,
    meeting_id: str,
    observer_member_id: str | None,
    body: ObserverReportIn,
    now: datetime,
    request_rules: RequestRules,
) -> ObserverReport:
    """`observer_member_id`: the member the caller's token names. Only an observer assigned to
    the branch on the meeting's date has a report expected, so only they can file it."""
    if observer_member_id is None:
        raise Forbidden(
            "not-a-member",
            "Chỉ cấp ủy viên được phân công dự sinh hoạt mới gửi báo cáo; tài khoản này không "
            "gắn với đảng viên nào.",
        )
    # Locked (PostgreSQL; SQLite has one writer): two filings racing from two devices are
    # taken one after the other, and the second finds the report filed.
    report = await uow.session.get(
        ObserverReport, (meeting_id, observer_member_id), with_for_update=True
    )
    if report is None:
        raise Forbidden(
            "not-assigned",
            "Đồng chí không được phân công dự cuộc họp này (vào ngày họp), nên không gửi báo "
            "cáo cho cuộc họp này được.",
        )
    if report.status == "filed":
        raise Conflict(
            "observer-report-filed",
            f"Báo cáo dự sinh hoạt của đồng chí về cuộc họp này đã được gửi ({report.id}); "
            "mỗi người dự chỉ gửi một báo cáo cho mỗi cuộc họp.",
            existing_report_id=report.id,
            meeting_id=meeting_id,
            observer_member_id=report.observer_member_id,
            filed_at=report.filed_at.isoformat() if report.filed_at else None,
            report_url=f"/v1/observer-reports?observer_member_id={report.observer_member_id}"
            f"&branch_id={report.branch_id}",
        )
    malformed = sorted(code for code in body.scores if not rules.CRITERION_CODE.match(code))
    if malformed:
        raise Invalid(
            "observer-report-invalid",
            "Mã tiêu chí không hợp lệ (ví dụ C5, N3).",
            errors=[
                FieldError(f"/scores/{code}", "Không phải mã tiêu chí.", "not-a-criterion")
                for code in malformed
            ],
        )
    report.status, report.attended, report.scores = "filed", body.attended, body.scores
    report.comments, report.filed_at = body.comments, now
    report.filed_on_time = now <= report.due_at
    report.details = {
        **(report.details or {}),
        "strengths": body.strengths,
        "shortcomings": body.shortcomings,
        "late_by": rules.late_by(
            "filed", now, report.due_at, bool((report.details or {}).get("logged_late"))
        ),
    }
    uow.session.add(report)
    for item in body.requests_raised:
        item.raised_by = item.raised_by or observer_member_id
    await raise_requests(
        uow,
        meeting_id=meeting_id,
        branch_id=report.branch_id,
        requests=body.requests_raised,
        now=now,
        rules=request_rules,
    )
    uow.emit(
        ObserverReportFiled.produce(
            aggregate_version=1,
            report_id=report.id,
            meeting_id=meeting_id,
            branch_id=report.branch_id,
            observer_member_id=report.observer_member_id,
            attended=body.attended,
            scores=body.scores,
            filed_on_time=report.filed_on_time,
            request_count=len(body.requests_raised),
        ),
        subject=f"meetings/{meeting_id}/observer-report",
    )
    return report


async def held_on(session: AsyncSession, meeting_ids: list[str]) -> dict[str, date]:
    """The day each meeting was held."""
    rows = await session.execute(
        sa.select(col(BranchMeeting.id), col(BranchMeeting.held_on)).where(
            col(BranchMeeting.id).in_(meeting_ids)
        )
    )
    return {meeting_id: day for meeting_id, day in rows.all()}


async def mark_overdue(uow: UnitOfWork, report: ObserverReport) -> None:
    report.status = "overdue"
    report.details = {**(report.details or {}), "late_by": "observer"}
    uow.emit(
        ObserverReportOverdue.produce(
            aggregate_version=1,
            meeting_id=report.meeting_id,
            branch_id=report.branch_id,
            observer_member_id=report.observer_member_id,
            due_at=report.due_at,
        ),
        subject=f"meetings/{report.meeting_id}/observer-report",
    )


def duty(member_id: str, year: int, reports: list[ObserverReportOut]) -> ObserverDutyOut:
    """An observer's year summed up (pure over their reports)."""
    filed = [r for r in reports if r.status == "filed"]
    on_time = sum(1 for r in filed if r.filed_on_time)
    owed = [r for r in reports if r.status != "not_in_use"]
    attended = sum(1 for r in filed if r.attended)
    return ObserverDutyOut(
        member_id=member_id,
        year=year,
        reports_expected=len(owed),
        reports_filed=len(filed),
        filed_on_time=on_time,
        late_or_missing_by_observer=sum(1 for r in owed if r.late_by == "observer"),
        late_by_branch_logging=sum(1 for r in owed if r.late_by == "branch"),
        still_expected=sum(1 for r in owed if r.status == "expected"),
        meetings_attended=attended,
        attendance_rate=round(attended / len(owed), 3) if owed else None,
        on_time_rate=round(on_time / len(owed), 3) if owed else None,
        reports=[
            ObserverYearReport(
                meeting_id=r.meeting_id,
                branch_id=r.branch_id,
                status=r.status,
                due_at=r.due_at,
                attended=r.attended,
                filed_on_time=r.filed_on_time,
                late_by=r.late_by,
            )
            for r in reports
        ],
    )
