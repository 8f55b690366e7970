"""One meeting, one record: at most one regular meeting per branch and month.

A regular, combined, pilot or cluster meeting (`schedules.rules.REGULAR_TYPES`) holds its branch's
slot of the month in `meeting_slot`, whose primary key (branch, month, kind) the database
enforces — two submissions racing on two devices cannot both win, on SQLite or PostgreSQL. A
cluster meeting stands for the regular meeting of every branch of the cluster that day, so it
holds each of their slots. Thematic, extraordinary and year-end meetings hold none. A second
record is refused 409, naming the first (its id, who submitted it and when) and how to amend it:
an amendment is the way to change a record, and one that keeps its month and type keeps its slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from meetings.meetings.models import BranchMeeting, MeetingRevision, MeetingSlot
from meetings.replica.service import cluster_of
from meetings.schedules.rules import REGULAR_TYPES, period_of
from service_kit.errors import Conflict

REGULAR = "regular"


@dataclass(frozen=True)
class Holder:
    """The record holding a branch's slot of a month."""

    branch_id: str
    period: str
    meeting_id: str
    meeting_type: str
    submitted_by: str | None
    submitted_at: datetime


async def branches_held(
    session: AsyncSession, branch_id: str, meeting_type: str, held_on: date
) -> list[str]:
    """The branches whose regular meeting of the month this meeting is ([]: it holds none)."""
    if meeting_type not in REGULAR_TYPES:
        return []
    if meeting_type == "cluster":
        return await cluster_of(session, branch_id, held_on) or [branch_id]
    return [branch_id]


async def holders(
    session: AsyncSession, branch_ids: list[str], period: str, *, exclude: str | None = None
) -> list[Holder]:
    """Who holds these branches' slots of `period` (`exclude`: a meeting being amended)."""
    if not branch_ids:
        return []
    stmt = (
        sa.select(
            MeetingSlot.branch_id,
            MeetingSlot.meeting_id,
            BranchMeeting.meeting_type,
            BranchMeeting.submitted_at,
            MeetingRevision.actor,
        )
        .join(BranchMeeting, col(BranchMeeting.id) == col(MeetingSlot.meeting_id))
        .outerjoin(
            MeetingRevision,
            sa.and_(
                col(MeetingRevision.meeting_id) == col(MeetingSlot.meeting_id),
                col(MeetingRevision.version) == 1,
            ),
        )
        .where(
            col(MeetingSlot.branch_id).in_(branch_ids),
            MeetingSlot.period == period,
            MeetingSlot.kind == REGULAR,
        )
        .order_by(col(MeetingSlot.branch_id))
    )
    if exclude is not None:
        stmt = stmt.where(MeetingSlot.meeting_id != exclude)
    rows = (await session.execute(stmt)).all()
    return [Holder(b, period, m, t, actor, at) for b, m, t, at, actor in rows]


def already_recorded(holder: Holder) -> Conflict:
    year, month = holder.period.split("-")
    return Conflict(
        "meeting-already-recorded",
        f"Đã có biên bản sinh hoạt thường kỳ tháng {int(month)}/{year} của chi bộ "
        f"{holder.branch_id} ({holder.meeting_id}). Mỗi chi bộ chỉ có một biên bản thường kỳ "
        "mỗi tháng; muốn thay đổi thì gửi bản sửa cho biên bản đó.",
        existing_meeting_id=holder.meeting_id,
        existing_meeting_type=holder.meeting_type,
        branch_id=holder.branch_id,
        period=holder.period,
        submitted_by=holder.submitted_by,
        submitted_at=holder.submitted_at.isoformat(),
        meeting_url=f"/v1/meetings/{holder.meeting_id}",
        amend={"method": "POST", "href": f"/v1/meetings/{holder.meeting_id}/amendments"},
    )


async def existing_record(
    session: AsyncSession, branch_id: str, meeting_type: str, held_on: date
) -> Holder | None:
    """The record a new meeting of this branch, type and day would collide with, if any."""
    branch_ids = await branches_held(session, branch_id, meeting_type, held_on)
    found = await holders(session, branch_ids, period_of(held_on))
    return found[0] if found else None


async def hold(
    session: AsyncSession, meeting_id: str, branch_ids: list[str], held_on: date
) -> None:
    """Make `meeting_id` the holder of exactly these branches' slots of its month, in the
    caller's transaction: 409 when another record holds one. The check before the insert
    answers the usual case; the key answers the race (a savepoint keeps the transaction usable
    to name the winner)."""
    period = period_of(held_on)
    current = (
        await session.execute(
            sa.select(MeetingSlot.branch_id, MeetingSlot.period).where(
                MeetingSlot.meeting_id == meeting_id
            )
        )
    ).all()
    wanted = {(b, period) for b in branch_ids}
    stale = [(b, p) for b, p in current if (b, p) not in wanted]
    missing = sorted(wanted - {(b, p) for b, p in current})
    if not stale and not missing:
        return  # an amendment within the same month and type: the slot stays put
    taken = await holders(session, [b for b, _ in missing], period, exclude=meeting_id)
    if taken:
        raise already_recorded(taken[0])
    try:
        async with session.begin_nested():
            for branch_id, stale_period in stale:
                await session.execute(
                    sa.delete(MeetingSlot).where(
                        MeetingSlot.branch_id == branch_id,
                        MeetingSlot.period == stale_period,
                        MeetingSlot.meeting_id == meeting_id,
                    )
                )
            if missing:
                await session.execute(
                    sa.insert(MeetingSlot),
                    [
                        {"branch_id": b, "period": p, "kind": REGULAR, "meeting_id": meeting_id}
                        for b, p in missing
                    ],
                )
    except IntegrityError:
        winners = await holders(session, [b for b, _ in missing], period, exclude=meeting_id)
        if winners:
            raise already_recorded(winners[0]) from None
        raise
