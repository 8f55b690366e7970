"""Accepting a meeting: validate, store the record and its roll in one statement, emit the event."""

from __future__ import annotations

from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events.meetings import MeetingSubmitted, RollEntry
from meetings.meetings import rules
from meetings.meetings.models import AttendanceRecord, BranchMeeting
from meetings.meetings.schemas import AttendanceCounts, MeetingOut, MeetingSubmissionIn
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork
from service_kit.web.problems import Problem


def meeting_out(meeting: BranchMeeting, counts: Counter[str]) -> MeetingOut:
    return MeetingOut(
        id=meeting.id,
        branch_id=meeting.branch_id,
        meeting_type=meeting.meeting_type,
        status=meeting.status,
        version=meeting.version,
        held_on=meeting.held_on,
        started_at=meeting.started_at,
        ended_at=meeting.ended_at,
        duration_minutes=meeting.duration_minutes,
        within_scheduled_window=meeting.within_scheduled_window,
        attendance=AttendanceCounts(
            **{k: counts.get(k, 0) for k in ("present", "excused", "unexcused", "exempt")}
        ),
        submitted_at=meeting.submitted_at,
    )


async def submit_meeting(uow: UnitOfWork, sub: MeetingSubmissionIn, today: date) -> MeetingOut:
    errors = rules.violations(sub, today)
    if errors:
        raise Problem(
            422,
            "meeting-invalid",
            f"Biên bản họp vi phạm {len(errors)} quy tắc; xem danh sách `errors`.",
            errors=errors,
        )
    meeting = BranchMeeting(
        id=new_id(),
        branch_id=sub.branch_id,
        meeting_type=sub.meeting_type,
        held_on=sub.held_on,
        started_at=sub.started_at,
        ended_at=sub.ended_at,
        duration_minutes=rules.duration_minutes(sub),
        within_scheduled_window=rules.within_window(sub.held_on),
        place=sub.place,
        record=sub.model_dump(
            mode="json",
            exclude={
                "roll",
                "branch_id",
                "meeting_type",
                "held_on",
                "started_at",
                "ended_at",
                "place",
            },
        ),
    )
    uow.session.add(meeting)
    await uow.session.flush()
    # One multi-row INSERT for the roll, not one ORM object per member.
    await uow.session.execute(
        sa.insert(AttendanceRecord),
        [
            {
                "meeting_id": meeting.id,
                **entry.model_dump(
                    include={"member_id", "attendance", "reason", "probationary", "on_duty"}
                ),
            }
            for entry in sub.roll
        ],
    )
    uow.emit(
        MeetingSubmitted.produce(
            aggregate_version=meeting.version,
            meeting_id=meeting.id,
            branch_id=meeting.branch_id,
            meeting_type=sub.meeting_type,
            held_on=sub.held_on,
            started_at=sub.started_at,
            ended_at=sub.ended_at,
            duration_minutes=meeting.duration_minutes,
            within_scheduled_window=meeting.within_scheduled_window,
            roll=[
                RollEntry(
                    member_id=e.member_id,
                    attendance=e.attendance,
                    probationary=e.probationary,
                    on_duty=e.on_duty,
                )
                for e in sub.roll
            ],
            speaker_ids=sub.speaker_ids,
            agenda_steps_completed=sub.agenda_steps_completed,
            previous_action_items_total=sub.previous_action_items_total,
            previous_action_items_done_on_time=sub.previous_action_items_done_on_time,
            resolution_voted=sub.resolution_voted,
            request_count=len(sub.requests_raised),
            self_score=sub.self_score,
        ),
        subject=f"meetings/{meeting.id}",
    )
    return meeting_out(meeting, Counter(e.attendance for e in sub.roll))


async def attendance_counts(
    session: AsyncSession, meeting_ids: list[str]
) -> dict[str, Counter[str]]:
    rows = await session.execute(
        sa.select(AttendanceRecord.meeting_id, AttendanceRecord.attendance, sa.func.count())
        .where(AttendanceRecord.meeting_id.in_(meeting_ids))
        .group_by(AttendanceRecord.meeting_id, AttendanceRecord.attendance)
    )
    out: dict[str, Counter[str]] = {m: Counter() for m in meeting_ids}
    for meeting_id, attendance, count in rows:
        out[meeting_id][attendance] = count
    return out
