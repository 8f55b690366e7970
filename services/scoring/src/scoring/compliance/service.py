"""Compliance: keep the roll facts, run the detectors after a meeting is scored or on a sweep,
store each flag once and announce it in the same transaction. Nothing is flagged for a period
before the branch's go-live (`scoring.golive`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.events.meetings import (
    MeetingSubmitted,
    ObserverReportFiled,
    ObserverReportOverdue,
)
from event_contracts.events.scoring import ComplianceFlagged
from scoring import golive, metrics
from scoring.compliance import rules
from scoring.compliance.models import ComplianceFlag, MeetingAttendance, ObserverReportFact
from scoring.compliance.rules import THEMATIC_TYPES, FlagDraft, MeetingFacts
from scoring.meeting_scores.models import MeetingScore
from scoring.policy import Policy
from scoring.rubrics.facts import RollRecord
from scoring.visible import Visible, everything
from service_kit.clock import vietnam_date
from service_kit.uow import UnitOfWork

A, S = MeetingAttendance.__table__.c, MeetingScore.__table__.c


def _insert_ignoring_duplicates(session: AsyncSession, values: dict[str, Any]) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(ComplianceFlag).values(**values).on_conflict_do_nothing()


_DELETE_ROLL = sa.delete(A.meeting_id.table).where(A.meeting_id == sa.bindparam("meeting_id"))
_INSERT_ROLL = sa.insert(A.meeting_id.table)


async def record_roll(uow: UnitOfWork, meeting: MeetingSubmitted) -> None:
    """Replace the meeting's roll rows (called only for a version newer than the stored one);
    one Core executemany, no ORM objects (the cheapest of the bulk forms on SQLite)."""
    session = uow.session
    await session.execute(_DELETE_ROLL, {"meeting_id": meeting.meeting_id})
    speakers = set(meeting.speaker_ids)
    rows = [
        {
            "meeting_id": meeting.meeting_id,
            "member_id": entry.member_id,
            "branch_id": meeting.branch_id,
            "held_on": meeting.held_on,
            "attendance": entry.attendance,
            "counted": entry.attendance != "exempt" and not entry.on_duty,
            "spoke": entry.member_id in speakers,
        }
        for entry in {e.member_id: e for e in meeting.roll}.values()
    ]
    if rows:
        await session.execute(_INSERT_ROLL, rows)


_YEAR_ROLLS = sa.select(A.meeting_id, A.held_on, A.member_id, A.attendance, A.counted).where(
    A.branch_id == sa.bindparam("branch_id"),
    A.held_on >= sa.bindparam("starts_on"),
    A.held_on < sa.bindparam("ends_before"),
)


async def year_rolls(session: AsyncSession, branch_id: str, year: int) -> list[RollRecord]:
    """The branch's kept rolls of a calendar year, for the facts that need earlier meetings
    (members exempt or on duty are in neither set)."""
    params = {
        "branch_id": branch_id,
        "starts_on": date(year, 1, 1),
        "ends_before": date(year + 1, 1, 1),
    }
    held: dict[str, date] = {}
    present: dict[str, set[str]] = defaultdict(set)
    absent: dict[str, set[str]] = defaultdict(set)
    rows = (await session.execute(_YEAR_ROLLS, params)).all()
    for meeting_id, held_on, member_id, attendance, counted in rows:
        held[meeting_id] = held_on
        if not counted:
            continue
        if attendance == "present":
            present[meeting_id].add(member_id)
        elif attendance in ("excused", "unexcused"):
            absent[meeting_id].add(member_id)
    return [
        RollRecord(m, on, frozenset(present[m]), frozenset(absent[m])) for m, on in held.items()
    ]


async def raise_flags(uow: UnitOfWork, drafts: Sequence[FlagDraft], now: datetime) -> int:
    """Store each draft not raised before and emit its event; returns how many were new."""
    if not drafts:
        return 0
    unique = {d.flag_id: d for d in drafts}
    existing = set(
        (
            await uow.session.execute(
                sa.select(ComplianceFlag.flag_id).where(ComplianceFlag.flag_id.in_(list(unique)))
            )
        ).scalars()
    )
    new = 0
    for flag_id, d in unique.items():
        if flag_id in existing:
            continue
        stmt = _insert_ignoring_duplicates(
            uow.session,
            {
                "flag_id": flag_id,
                "kind": d.kind,
                "severity": d.severity,
                "subject_type": d.subject_type,
                "subject_id": d.subject_id,
                "branch_id": d.branch_id,
                "period": d.period,
                "message": d.message,
                "meeting_ids": d.meeting_ids,
                "details": d.details,
                "raised_at": now,
            },
        )
        if not (await uow.session.execute(stmt)).rowcount:
            continue  # a concurrent consumer raised it first
        new += 1
        uow.after_commit(metrics.FLAGGED.labels(d.kind).inc)
        uow.emit(
            ComplianceFlagged.produce(
                aggregate_version=1,
                flag_id=flag_id,
                kind=d.kind,
                severity=d.severity,
                subject_type=d.subject_type,
                subject_id=d.subject_id,
                branch_id=d.branch_id,
                period=d.period,
                message=d.message,
                meeting_ids=d.meeting_ids,
                details=d.details,
            ),
            subject=f"{d.subject_type}s/{d.subject_id}/compliance",
        )
    return new


def _facts(score: MeetingScore) -> MeetingFacts:
    return MeetingFacts(score.meeting_id, score.held_on, score.grade, score.facts)


async def _unexcused_by_member(
    session: AsyncSession, member_ids: list[str], year: int
) -> dict[str, list[tuple[date, str]]]:
    stmt = sa.select(A.member_id, A.held_on, A.meeting_id).where(
        A.member_id.in_(member_ids),
        A.attendance == "unexcused",
        A.counted.is_(True),
        A.held_on >= date(year, 1, 1),
        A.held_on < date(year + 1, 1, 1),
    )
    out: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for member_id, held_on, meeting_id in (await session.execute(stmt)).all():
        out[member_id].append((held_on, meeting_id))
    return out


# Built once (bind parameters): these run for every meeting scored.
_AROUND = (
    sa.select(S.meeting_id, S.held_on, S.grade, S.facts)
    .where(
        S.branch_id == sa.bindparam("branch_id"),
        S.held_on >= sa.bindparam("starts_on"),
        S.held_on < sa.bindparam("ends_before"),
    )
    .order_by(S.held_on, S.meeting_id)
)


async def detect_after_meeting(
    uow: UnitOfWork, policy: Policy, score: MeetingScore, meeting: MeetingSubmitted, now: datetime
) -> int:
    """The detectors one meeting can set off; each flag is raised once whatever the order."""
    session, rule = uow.session, policy.compliance
    branch, current = score.branch_id, _facts(score)
    year = score.held_on.year

    low = rules.low_attendance_flag(branch, current, rule)
    absent = sorted(
        {e.member_id for e in meeting.roll if e.attendance == "unexcused" and not e.on_duty}
    )
    unexcused = await _unexcused_by_member(session, absent, year) if absent else {}

    # Neighbours in date order (this meeting may arrive after a later one).
    around = await session.execute(
        _AROUND,
        {
            "branch_id": branch,
            "starts_on": date(year - 1, 12, 1),
            "ends_before": date(year + 1, 2, 1),
        },
    )
    ordered = [MeetingFacts(*row) for row in around.all()]
    in_sequence: list[FlagDraft] = []
    if score.grade == "kem":
        in_sequence += rules.consecutive_kem_flags(branch, ordered, rule)
    ids = [m.meeting_id for m in ordered]
    if score.meeting_id in ids:
        at = ids.index(score.meeting_id)
        pairs = []
        if at > 0:
            pairs.append((ordered[at - 1], ordered[at]))
        if at + 1 < len(ordered):
            pairs.append((ordered[at], ordered[at + 1]))
        for previous, following in pairs:
            flag = rules.follow_up_flag(branch, previous, following, rule)
            if flag is not None:
                in_sequence.append(flag)

    if low is None and not unexcused and not in_sequence:
        return 0  # nothing to judge: the go-live dates are not read (most meetings)
    live = await golive.load_around(session, [branch], vietnam_date(now))
    drafts: list[FlagDraft] = [low] if low is not None else []
    for member_id, days in unexcused.items():
        days = golive.in_live_months(live, branch, days)
        drafts += rules.member_absence_flags(member_id, branch, year, days, rule)
    drafts += in_sequence
    return await raise_flags(uow, golive.judged_flags(live, drafts), now)


async def detect_missing_thematic(uow: UnitOfWork, policy: Policy, now: datetime) -> int:
    """Ended quarters in which a branch that met that year held no thematic meeting; a quarter
    without a live month for the branch is not judged, and a thematic meeting back-filled into
    the quarter (even before go-live) counts."""
    drafts: list[FlagDraft] = []
    for year, quarter in rules.ended_quarters(now.date(), policy.compliance.quarters_checked):
        starts, ends = (
            date(year, 3 * quarter - 2, 1),
            (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)),
        )
        known = sa.select(S.branch_id).where(
            S.held_on >= date(year, 1, 1), S.held_on < date(year + 1, 1, 1)
        )
        with_thematic = sa.select(S.branch_id).where(
            S.held_on >= starts, S.held_on < ends, S.meeting_type.in_(THEMATIC_TYPES)
        )
        missing = (
            await uow.session.execute(known.except_(with_thematic).order_by(S.branch_id))
        ).scalars()
        drafts += [rules.missing_thematic_flag(b, year, quarter) for b in missing]
    live = await golive.load(uow.session, vietnam_date(now))
    return await raise_flags(uow, golive.judged_flags(live, drafts), now)


async def _held_on(session: AsyncSession, meeting_id: str) -> date | None:
    return (
        await session.execute(sa.select(S.held_on).where(S.meeting_id == meeting_id))
    ).scalar_one_or_none()


async def record_observer_report(uow: UnitOfWork, report: ObserverReportFiled) -> None:
    """A filed report replaces an earlier 'overdue' (filed late then)."""
    key = (report.meeting_id, report.observer_member_id)
    row = await uow.session.get(ObserverReportFact, key) or ObserverReportFact(
        meeting_id=report.meeting_id,
        observer_member_id=report.observer_member_id,
        branch_id=report.branch_id,
        status="filed",
    )
    was_overdue = row.status == "overdue"
    row.status, row.attended = "filed", report.attended
    row.filed_on_time = report.filed_on_time and not was_overdue
    row.held_on = row.held_on or await _held_on(uow.session, report.meeting_id)
    uow.session.add(row)


async def record_overdue_report(uow: UnitOfWork, overdue: ObserverReportOverdue) -> None:
    key = (overdue.meeting_id, overdue.observer_member_id)
    if await uow.session.get(ObserverReportFact, key) is not None:
        return  # filed already (the overdue notice raced it) or recorded once
    uow.session.add(
        ObserverReportFact(
            meeting_id=overdue.meeting_id,
            observer_member_id=overdue.observer_member_id,
            branch_id=overdue.branch_id,
            held_on=await _held_on(uow.session, overdue.meeting_id) or overdue.due_at.date(),
            status="overdue",
        )
    )


async def list_flags(
    session: AsyncSession,
    *,
    visible: Visible = everything,
    branch_id: str | None,
    subject_id: str | None,
    kind: str | None,
    period_prefix: str | None,
    limit: int,
) -> list[ComplianceFlag]:
    stmt = visible(sa.select(ComplianceFlag)).order_by(
        ComplianceFlag.raised_at.desc(),
        ComplianceFlag.flag_id,
    )
    if branch_id:
        stmt = stmt.where(ComplianceFlag.branch_id == branch_id)
    if subject_id:
        stmt = stmt.where(ComplianceFlag.subject_id == subject_id)
    if kind:
        stmt = stmt.where(ComplianceFlag.kind == kind)
    if period_prefix:
        stmt = stmt.where(ComplianceFlag.period.startswith(period_prefix))
    return list((await session.execute(stmt.limit(limit))).scalars())
