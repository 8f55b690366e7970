"""Event edge of compliance: observer reports overdue (filed ones arrive with the scores)."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events.meetings import ObserverReportOverdue
from scoring.compliance.service import record_overdue_report
from scoring.context import ScoringContext
from service_kit.uow import UnitOfWork


async def on_observer_report_overdue(
    _ctx: ScoringContext, uow: UnitOfWork, _event: CloudEvent, data: EventData
) -> None:
    assert isinstance(data, ObserverReportOverdue)
    await record_overdue_report(uow, data)
