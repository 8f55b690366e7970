"""Expectations are created for every branch in the replica each month, met by a regular meeting,
and turned into `meeting.missed` by the sweep once due."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from event_contracts.events.meetings import MeetingMissed
from event_contracts.vocabulary import BRANCH_KINDS
from meetings.meetings import metrics as meeting_metrics
from meetings.policy import MeetingRuleBook, rules_of_branches
from meetings.schedules import rules
from meetings.schedules.models import MeetingExpectation
from org_tree import golive
from org_tree.models import OrgNode
from service_kit.uow import UnitOfWork


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def expected_rows(
    session: AsyncSession, book: MeetingRuleBook, period: str, on: date
) -> list[dict[str, Any]]:
    """The expectation every branch active on `on` and live in `period` (`org_tree.golive`) has
    for `period` (a month before a branch's go-live expects nothing), as rows to insert: its
    window and due time from the rule set in force on the month's first day for its province.
    Reads only: the sweep inserts them, the escalation dry run looks at them."""
    branches = (
        await session.execute(
            sa.select(OrgNode.id, OrgNode.meeting_day_from, OrgNode.meeting_day_to).where(
                col(OrgNode.kind).in_(BRANCH_KINDS),
                col(OrgNode.valid_from) <= on,
                sa.or_(col(OrgNode.valid_to).is_(None), col(OrgNode.valid_to) > on),
            )
        )
    ).all()
    live = await golive.load(session, on)
    year, month = (int(x) for x in period.split("-"))
    branches = [b for b in branches if live.month_live(b[0], year, month)]
    in_force = await rules_of_branches(
        session, book, [b[0] for b in branches], on, rules_on=rules.first_day(period)
    )
    values = []
    for branch_id, day_from, day_to in branches:
        own = (day_from, day_to) if day_from and day_to else None
        due = rules.expected(period, own, in_force[branch_id])
        values.append(
            {
                "branch_id": branch_id,
                "period": period,
                "window_from_day": due.window[0],
                "window_to_day": due.window[1],
                "due_at": due.due_at,
                "status": "expected",
            }
        )
    return values


async def expect_month(session: AsyncSession, book: MeetingRuleBook, period: str, on: date) -> int:
    """Make sure every branch `expected_rows` names has its expectation for `period`."""
    values = await expected_rows(session, book, period, on)
    if not values:
        return 0
    insert = _insert(session)
    created = 0
    for start in range(0, len(values), 1000):
        result = await session.execute(
            insert(MeetingExpectation).values(values[start : start + 1000]).on_conflict_do_nothing()
        )
        created += getattr(result, "rowcount", 0) or 0
    return created


async def meeting_held(
    session: AsyncSession,
    branch_id: str,
    held_on: date,
    meeting_type: str,
    meeting_id: str,
    now: datetime,
) -> None:
    """A regular meeting meets its month's expectation, even one already marked missed late."""
    if meeting_type not in rules.REGULAR_TYPES:
        return
    period = rules.period_of(held_on)
    row = await session.get(MeetingExpectation, (branch_id, period))
    if row is None:
        session.add(
            MeetingExpectation(
                branch_id=branch_id,
                period=period,
                window_from_day=0,
                window_to_day=0,
                due_at=now,
                status="met",
                meeting_id=meeting_id,
                settled_at=now,
            )
        )
    elif row.status in ("expected", "not_in_use"):  # a back-filled month counts as met too
        row.status, row.meeting_id, row.settled_at = "met", meeting_id, now


def mark_not_in_use(row: MeetingExpectation, now: datetime) -> None:
    """Due, yet the branch's go-live (set or moved after the month was expected) makes the
    month one not judged: settled without a word."""
    row.status, row.settled_at = "not_in_use", now


async def mark_missed(uow: UnitOfWork, row: MeetingExpectation, now: datetime) -> None:
    row.status, row.settled_at = "missed", now
    uow.emit(
        MeetingMissed.produce(
            aggregate_version=1,
            branch_id=row.branch_id,
            period=row.period,
            window_from_day=row.window_from_day,
            window_to_day=row.window_to_day,
            due_at=row.due_at,
        ),
        subject=f"branches/{row.branch_id}/meetings/{row.period}",
    )
    uow.after_commit(meeting_metrics.MISSED.inc)
