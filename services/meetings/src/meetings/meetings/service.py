"""Accepting a meeting: validate, store the record, its roll (one multi-row INSERT) and its
revision, raise its requests, and emit the event — all in the caller's unit of work."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.events.meetings import MeetingAmended, MeetingSubmitted, RollEntry
from meetings.meetings import metrics, rules, slots
from meetings.meetings.models import AttendanceRecord, BranchMeeting, MeetingRevision
from meetings.meetings.schemas import AttendanceCounts, MeetingOut, MeetingSubmissionIn
from meetings.observers.service import expect_reports
from meetings.policy import MeetingRuleBook, MeetingRules, rules_of_branch
from meetings.replica.service import roster_on
from meetings.requests.service import RequestRules, raise_requests
from meetings.schedules.service import meeting_held
from org_tree.models import OrgNode
from org_tree.observers import observers_of
from org_tree.replica import meeting_window
from service_kit.clock import vietnam_date
from service_kit.errors import FieldError, Invalid, NotFound, PreconditionFailed
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork

ROW_FIELDS = {"branch_id", "meeting_type", "held_on", "started_at", "ended_at", "place", "roll"}


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


async def _previous_items(
    session: AsyncSession, sub: MeetingSubmissionIn, exclude: str | None
) -> list[str] | None:
    """Task titles of the branch's latest meeting before this one (None if there is none)."""
    stmt = (
        sa.select(BranchMeeting.record)
        .where(BranchMeeting.branch_id == sub.branch_id, col(BranchMeeting.held_on) < sub.held_on)
        .order_by(col(BranchMeeting.held_on).desc())
        .limit(1)
    )
    if exclude:
        stmt = stmt.where(BranchMeeting.id != exclude)
    record = (await session.execute(stmt)).scalar_one_or_none()
    if record is None:
        return None
    return [str(item["title"]) for item in record.get("action_items", [])]


async def _check(
    session: AsyncSession, sub: MeetingSubmissionIn, now: datetime, exclude: str | None = None
) -> None:
    errors = rules.violations(sub, vietnam_date(now))
    branch = await session.get(OrgNode, sub.branch_id)
    if branch is not None:
        errors += rules.branch_life_violations(sub.held_on, branch.valid_from, branch.valid_to)
    errors += rules.roll_violations(sub, await roster_on(session, sub.branch_id, sub.held_on))
    errors += rules.record_violations(sub, await _previous_items(session, sub, exclude))
    if errors:
        raise Invalid(
            "meeting-invalid",
            f"Biên bản họp vi phạm {len(errors)} quy tắc; xem danh sách `errors`.",
            errors=errors,
        )


@dataclass(frozen=True)
class Checked:
    """What a valid submission needs from the replica, read before the write transaction: on
    SQLite the single writer then holds its lock for the inserts only."""

    window: tuple[int, int]
    rules: MeetingRules  # in force on the meeting's day for the branch's province
    observers: list[str]
    branches_held: list[str]  # whose regular meeting of the month this is (meetings.slots)


async def _window(
    session: AsyncSession, book: MeetingRuleBook, sub: MeetingSubmissionIn
) -> tuple[tuple[int, int], MeetingRules]:
    """The branch's day window (its own, else the default of the rule set in force on the
    meeting's day), and that rule set."""
    rules_then = await rules_of_branch(session, book, sub.branch_id, sub.held_on)
    return rules_then.window(await meeting_window(session, sub.branch_id)), rules_then


async def check_submission(
    session: AsyncSession, sub: MeetingSubmissionIn, now: datetime, book: MeetingRuleBook
) -> Checked:
    """Validate a new submission (422 naming every rule broken) on a read session."""
    await _check(session, sub, now)
    window, rules_then = await _window(session, book, sub)
    return Checked(
        window=window,
        rules=rules_then,
        observers=await observers_of(session, sub.branch_id, sub.held_on),
        branches_held=await slots.branches_held(
            session, sub.branch_id, sub.meeting_type, sub.held_on
        ),
    )


async def _apply(
    session: AsyncSession,
    meeting: BranchMeeting,
    sub: MeetingSubmissionIn,
    window: tuple[int, int],
) -> None:
    """Copy the record onto the row and (re)write its roll with one multi-row INSERT."""
    meeting.branch_id, meeting.meeting_type = sub.branch_id, sub.meeting_type
    meeting.held_on, meeting.started_at, meeting.ended_at = (
        sub.held_on,
        sub.started_at,
        sub.ended_at,
    )
    meeting.duration_minutes = rules.duration_minutes(sub)
    meeting.within_scheduled_window = rules.within_window(sub.held_on, window)
    meeting.place = sub.place
    meeting.record = sub.model_dump(mode="json", exclude=ROW_FIELDS)
    session.add(meeting)
    await session.flush()
    if meeting.version > 1:  # an amendment rewrites the roll
        await session.execute(
            sa.delete(AttendanceRecord).where(col(AttendanceRecord.meeting_id) == meeting.id)
        )
    await session.execute(
        sa.insert(AttendanceRecord),
        [
            {
                "meeting_id": meeting.id,
                **e.model_dump(
                    include={"member_id", "attendance", "reason", "probationary", "on_duty"}
                ),
            }
            for e in sub.roll
        ],
    )


def _facts(meeting: BranchMeeting, sub: MeetingSubmissionIn) -> dict[str, Any]:
    """The event data both `submitted` and `amended` carry: the record as it now stands."""
    return {
        "aggregate_version": meeting.version,
        "meeting_id": meeting.id,
        "branch_id": meeting.branch_id,
        "meeting_type": sub.meeting_type,
        "held_on": sub.held_on,
        "started_at": sub.started_at,
        "ended_at": sub.ended_at,
        "duration_minutes": meeting.duration_minutes,
        "within_scheduled_window": meeting.within_scheduled_window,
        "roll": [
            RollEntry(
                member_id=e.member_id,
                attendance=e.attendance,
                probationary=e.probationary,
                on_duty=e.on_duty,
            )
            for e in sub.roll
        ],
        "speaker_ids": sub.speaker_ids,
        "agenda_steps_completed": sub.agenda_steps_completed,
        "previous_action_items_total": rules.derived_action_counts(sub)[0],
        "previous_action_items_done_on_time": rules.derived_action_counts(sub)[1],
        "resolution_voted": sub.resolution_voted,
        "request_count": len(sub.requests_raised),
        "self_score": sub.self_score,
        "action_items_total": len(sub.action_items),
        "action_items_with_owner_and_due": sum(
            bool(i.owner_member_id and i.due_on) for i in sub.action_items
        ),
        "focal_issue": sub.focal_issue,
        "theme": sub.theme,
    }


async def submit_meeting(
    uow: UnitOfWork,
    sub: MeetingSubmissionIn,
    now: datetime,
    request_rules: RequestRules,
    meeting_rules: MeetingRuleBook,
    actor: str | None = None,
    checked: Checked | None = None,
) -> MeetingOut:
    """`checked`: the result of `check_submission` when the caller validated beforehand."""
    if checked is None:
        checked = await check_submission(uow.session, sub, now, meeting_rules)
    meeting = BranchMeeting(
        id=new_id(),
        submitted_at=now,
        version=1,
        record={},
        branch_id="",
        meeting_type="",
        held_on=sub.held_on,
        started_at=sub.started_at,
        ended_at=sub.ended_at,
        duration_minutes=0,
        within_scheduled_window=False,
    )
    await _apply(uow.session, meeting, sub, checked.window)
    uow.session.add(
        MeetingRevision(
            meeting_id=meeting.id,
            version=1,
            recorded_at=now,
            submission=sub.model_dump(mode="json"),
            actor=actor,
        )
    )
    await raise_requests(
        uow,
        meeting_id=meeting.id,
        branch_id=meeting.branch_id,
        requests=sub.requests_raised,
        now=now,
        rules=request_rules,
    )
    # Last of the checks: a body that breaks a rule is a 422 whether or not the month is taken.
    await slots.hold(uow.session, meeting.id, checked.branches_held, sub.held_on)
    for branch_id in checked.branches_held or [meeting.branch_id]:
        await meeting_held(uow.session, branch_id, sub.held_on, sub.meeting_type, meeting.id, now)
    expect_reports(
        uow, meeting.id, meeting.branch_id, sub.held_on, checked.observers, checked.rules
    )
    uow.emit(MeetingSubmitted.produce(**_facts(meeting, sub)), subject=f"meetings/{meeting.id}")
    uow.after_commit(metrics.SUBMITTED.labels(sub.meeting_type).inc)
    return meeting_out(meeting, Counter(e.attendance for e in sub.roll))


async def amend_meeting(
    uow: UnitOfWork,
    meeting_id: str,
    sub: MeetingSubmissionIn,
    reason: str,
    now: datetime,
    expected_version: int | None,
    meeting_rules: MeetingRuleBook,
    actor: str | None = None,
) -> MeetingOut:
    """A new version of a submitted record. Requests were raised by the original submission and
    live their own life; an amendment does not raise them again."""
    meeting = await uow.session.get(BranchMeeting, meeting_id)
    if meeting is None:
        raise NotFound("meeting-not-found", f"Không có cuộc họp {meeting_id}.")
    if expected_version is not None and expected_version != meeting.version:
        raise PreconditionFailed(
            "meeting-changed",
            "Biên bản đã được sửa bởi người khác; hãy tải lại rồi sửa tiếp.",
            current_version=meeting.version,
        )
    if sub.branch_id != meeting.branch_id:
        raise Invalid(
            "meeting-invalid",
            "Không thể chuyển biên bản sang chi bộ khác.",
            errors=[
                FieldError(
                    "/record/branch_id",
                    "Chi bộ phải giữ nguyên khi sửa biên bản.",
                    "branch-changed",
                )
            ],
        )
    await _check(uow.session, sub, now, exclude=meeting.id)
    meeting.version += 1
    meeting.status = "amended"
    window, _ = await _window(uow.session, meeting_rules, sub)
    await _apply(uow.session, meeting, sub, window)
    held = await slots.branches_held(uow.session, sub.branch_id, sub.meeting_type, sub.held_on)
    await slots.hold(uow.session, meeting.id, held, sub.held_on)
    uow.session.add(
        MeetingRevision(
            meeting_id=meeting.id,
            version=meeting.version,
            recorded_at=now,
            submission=sub.model_dump(mode="json"),
            reason=reason,
            actor=actor,
        )
    )
    uow.emit(
        MeetingAmended.produce(**_facts(meeting, sub), amendment_reason=reason),
        subject=f"meetings/{meeting.id}",
    )
    uow.after_commit(metrics.AMENDED.inc)
    return meeting_out(meeting, Counter(e.attendance for e in sub.roll))


async def revisions(session: AsyncSession, meeting_id: str) -> list[MeetingRevision]:
    rows = await session.execute(
        sa.select(MeetingRevision)
        .where(MeetingRevision.meeting_id == meeting_id)
        .order_by(col(MeetingRevision.version))
    )
    return list(rows.scalars())


async def attendance_counts(
    session: AsyncSession, meeting_ids: list[str]
) -> dict[str, Counter[str]]:
    rows = await session.execute(
        sa.select(AttendanceRecord.meeting_id, AttendanceRecord.attendance, sa.func.count())
        .where(col(AttendanceRecord.meeting_id).in_(meeting_ids))
        .group_by(AttendanceRecord.meeting_id, AttendanceRecord.attendance)
    )
    out: dict[str, Counter[str]] = {m: Counter() for m in meeting_ids}
    for meeting_id, attendance, count in rows:
        out[meeting_id][attendance] = count
    return out
