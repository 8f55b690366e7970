"""Closing the loop: what a branch's next meeting must go through, pre-filled from the record."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from meetings.meetings.models import BranchMeeting
from meetings.meetings.schemas import NextMeetingOut
from meetings.requests.lifecycle import OPEN, RequestStatus
from meetings.requests.models import Request
from service_kit.clock import start_of_vietnam_day


def _request_brief(row: Request) -> dict[str, object]:
    return {
        "id": row.id,
        "subject": row.subject,
        "status": row.status,
        "level": row.level,
        "level_organisation_id": row.level_organisation_id,
        "answer": row.answer,
        "answered_at": row.answered_at.isoformat() if row.answered_at else None,
        "addressee_id": row.addressee_id,
        "version": row.version,
    }


async def next_meeting(session: AsyncSession, branch_id: str) -> NextMeetingOut:
    last = (
        await session.execute(
            sa.select(BranchMeeting)
            .where(BranchMeeting.branch_id == branch_id)
            .order_by(col(BranchMeeting.held_on).desc(), col(BranchMeeting.id).desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    # Answers received since the last meeting, even those the branch already accepted.
    since = start_of_vietnam_day(last.held_on) if last else datetime(1970, 1, 1, tzinfo=UTC)
    requests = (
        (
            await session.execute(
                sa.select(Request)
                .where(
                    Request.branch_id == branch_id,
                    col(Request.status).in_(
                        [*(s.value for s in OPEN), RequestStatus.ANSWERED.value]
                    )
                    | (
                        (Request.status == RequestStatus.CLOSED.value)
                        & (col(Request.answered_at) >= since)
                    ),
                )
                .order_by(col(Request.created_at))
            )
        )
        .scalars()
        .all()
    )
    return NextMeetingOut(
        branch_id=branch_id,
        previous_meeting_id=last.id if last else None,
        previous_action_items=list(last.record.get("action_items", [])) if last else [],
        open_requests=[_request_brief(r) for r in requests if r.status != "answered"],
        answers_to_review=[_request_brief(r) for r in requests if r.status == "answered"],
        answers_received=[_request_brief(r) for r in requests if r.answer is not None],
    )
