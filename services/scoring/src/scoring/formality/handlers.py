"""Event edge of the formality signals."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events.meetings import MeetingFormalityAssessed
from scoring.context import ScoringContext
from scoring.formality.service import record_assessment
from service_kit.uow import UnitOfWork


async def on_formality_assessed(
    _ctx: ScoringContext, uow: UnitOfWork, _event: CloudEvent, data: EventData
) -> None:
    assert isinstance(data, MeetingFormalityAssessed)
    await record_assessment(uow.session, data)
