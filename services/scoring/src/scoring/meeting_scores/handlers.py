"""Event edge of meeting scores: translate events into service calls."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events.meetings import MeetingSubmitted
from scoring.meeting_scores.service import score_submitted_meeting
from service_kit.uow import UnitOfWork


async def on_meeting_submitted(uow: UnitOfWork, _event: CloudEvent, data: EventData) -> None:
    assert isinstance(data, MeetingSubmitted)
    await score_submitted_meeting(uow, data)
