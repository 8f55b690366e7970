"""Event edge of the inbox."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events.scoring import MeetingScored
from notifications.inbox import rules, service
from service_kit.uow import UnitOfWork


async def on_meeting_scored(uow: UnitOfWork, event: CloudEvent, data: EventData) -> None:
    assert isinstance(data, MeetingScored)
    await service.record(uow, event, rules.meeting_scored(data))
