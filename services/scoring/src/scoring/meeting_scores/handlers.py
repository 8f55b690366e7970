"""Event edge of meeting scores: translate events into service calls."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events.meetings import MeetingSubmitted, ObserverReportFiled
from scoring.meeting_scores.service import record_observer_score, score_submitted_meeting
from scoring.rubrics.active import active
from service_kit.uow import UnitOfWork


async def on_meeting_submitted(uow: UnitOfWork, _event: CloudEvent, data: EventData) -> None:
    """Submitted and amended alike: the record as it now stands (the latest version wins)."""
    assert isinstance(data, MeetingSubmitted)
    await score_submitted_meeting(uow, active(), data)


async def on_observer_report_filed(uow: UnitOfWork, _event: CloudEvent, data: EventData) -> None:
    assert isinstance(data, ObserverReportFiled)
    await record_observer_score(uow, active(), data)
