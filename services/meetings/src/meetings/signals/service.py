"""The formality signals of a stored meeting, read with the branch's earlier months from this
service's own records, and announced to scoring (which shows them beside the score).

Runs from the meetings service's own `meeting.submitted`/`meeting.amended` events, after the
submission committed: the write path does not wait for it, and a failure is retried by the bus.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.events.meetings import FormalitySignalFact, MeetingFormalityAssessed
from meetings.meetings.models import AttendanceRecord, BranchMeeting
from meetings.signals.policy import FormalityRules, load_rules, rules_for
from meetings.signals.records import (
    AttendanceFigures,
    FormalityReport,
    MeetingRecord,
    ResolutionTask,
)
from meetings.signals.rules import formality_signals
from service_kit.uow import UnitOfWork

# Evidence keys that would carry people's names onto the bus: counted, not listed.
_NAMED_KEYS = {"named"}


@cache
def shipped_rules() -> tuple[FormalityRules, ...]:
    return tuple(load_rules())


def _month_start(held_on: date, months_back: int) -> date:
    index = held_on.year * 12 + held_on.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _due(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def record_of(meeting: BranchMeeting, roll: Counter[str]) -> MeetingRecord:
    record = meeting.record or {}
    counted = roll["present"] + roll["excused"] + roll["unexcused"]
    return MeetingRecord(
        meeting_id=meeting.id,
        branch_id=meeting.branch_id,
        held_on=meeting.held_on,
        minutes=record.get("minutes") or "",
        resolution=record.get("resolution") or "",
        speakers=tuple(record.get("speaker_ids") or ()),
        tasks=tuple(
            ResolutionTask(
                title=str(item.get("title", "")),
                owner=item.get("owner_member_id"),
                due_on=_due(item.get("due_on")),
            )
            for item in record.get("action_items") or ()
        ),
        attendance=AttendanceFigures(counted, roll["present"], roll["excused"], roll["unexcused"])
        if counted
        else None,
    )


async def _rolls(session: AsyncSession, meeting_ids: list[str]) -> dict[str, Counter[str]]:
    rows = await session.execute(
        sa.select(AttendanceRecord.meeting_id, AttendanceRecord.attendance, sa.func.count())
        .where(col(AttendanceRecord.meeting_id).in_(meeting_ids))
        .group_by(AttendanceRecord.meeting_id, AttendanceRecord.attendance)
    )
    out: dict[str, Counter[str]] = {m: Counter() for m in meeting_ids}
    for meeting_id, attendance, n in rows.all():
        out[meeting_id][attendance] = n
    return out


async def assess(
    session: AsyncSession, meeting_id: str, rule_sets: tuple[FormalityRules, ...] | None = None
) -> tuple[BranchMeeting, FormalityReport] | None:
    """The signals of the meeting as it now stands; None when it is not stored (yet)."""
    meeting = await session.get(BranchMeeting, meeting_id)
    if meeting is None:
        return None
    rules = rules_for(list(rule_sets or shipped_rules()), None, meeting.held_on)
    lookback = max(rules.lookback_months, rules.attendance_lookback_months)
    earlier = list(
        (
            await session.execute(
                sa.select(BranchMeeting)
                .where(
                    BranchMeeting.branch_id == meeting.branch_id,
                    col(BranchMeeting.held_on) >= _month_start(meeting.held_on, lookback),
                    col(BranchMeeting.held_on) <= meeting.held_on,
                    BranchMeeting.id != meeting.id,
                )
                .order_by(col(BranchMeeting.held_on))
                .limit(10 * (lookback + 1))  # a branch meets a few times a month at most
            )
        ).scalars()
    )
    rolls = await _rolls(session, [meeting.id, *(e.id for e in earlier)])
    report = formality_signals(
        record_of(meeting, rolls[meeting.id]),
        [record_of(e, rolls[e.id]) for e in earlier],
        rules,
    )
    return meeting, report


def _bus_evidence(evidence: dict[str, Any]) -> dict[str, Any]:
    return {
        (f"{k}_count" if k in _NAMED_KEYS else k): (len(v) if k in _NAMED_KEYS else v)
        for k, v in evidence.items()
    }


async def assess_and_announce(uow: UnitOfWork, meeting_id: str, version: int) -> None:
    """Announce the signals of `meeting_id`; an event about an older version is skipped (the
    newer version's own event follows)."""
    found = await assess(uow.session, meeting_id)
    if found is None:
        return
    meeting, report = found
    if meeting.version != version:
        return
    uow.emit(
        MeetingFormalityAssessed.produce(
            aggregate_version=meeting.version,
            meeting_id=meeting.id,
            branch_id=meeting.branch_id,
            held_on=meeting.held_on,
            rules_id=report.rules_id,
            rules_version=report.rules_version,
            signals=[
                FormalitySignalFact(
                    code=s.code, explanation=s.explanation, evidence=_bus_evidence(s.evidence)
                )
                for s in report.signals
            ],
        ),
        subject=f"meetings/{meeting.id}",
    )
