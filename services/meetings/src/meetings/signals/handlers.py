"""Event edge of the formality signals: the service's own submitted/amended meetings."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events.meetings import MeetingSubmitted
from meetings.signals.service import assess_and_announce
from service_kit.context import ServiceContext
from service_kit.uow import UnitOfWork

MEETING_KEYS = ["meetings.meeting.submitted.v1", "meetings.meeting.amended.v1"]


async def on_meeting_recorded(
    _ctx: ServiceContext, uow: UnitOfWork, _event: CloudEvent, data: EventData
) -> None:
    assert isinstance(data, MeetingSubmitted)
    await assess_and_announce(uow, data.meeting_id, data.aggregate_version)
