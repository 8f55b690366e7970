"""Which organisation each resource in a path belongs to, for subtree scope checks."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from meetings.meetings.models import BranchMeeting, MeetingDraft
from service_kit.web.access import NOT_A_TARGET, Resolvers, itself


async def _meeting(session: AsyncSession, meeting_id: str, _: Mapping[str, str]) -> str | None:
    meeting = await session.get(BranchMeeting, meeting_id)
    return meeting.branch_id if meeting else None


async def _draft(session: AsyncSession, draft_id: str, _: Mapping[str, str]) -> str | None:
    draft = await session.get(MeetingDraft, draft_id)
    return draft.branch_id if draft else None


RESOLVERS: Resolvers = {
    "meeting_id": _meeting,
    "draft_id": _draft,
    # A request has two sides (the raising branch, the answering body): its handlers check
    # the side each action belongs to.
    "request_id": NOT_A_TARGET,
    "branch_id": itself,
    "organisation_id": itself,
    # An observer is a person, not an organisation: the duty route restricts its rows.
    "member_id": NOT_A_TARGET,
}
