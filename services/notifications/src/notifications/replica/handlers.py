"""Event edge of the observer replica (the organisation tree's handler is shared:
`org_tree.handlers`)."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events import registry as ev
from notifications.replica import service
from service_kit.uow import UnitOfWork

OBSERVER_KEYS = ["registry.observer.assigned.v1", "registry.observer.ended.v1"]


async def on_observer_event(uow: UnitOfWork, _event: CloudEvent, data: EventData) -> None:
    session = uow.session
    if isinstance(data, ev.ObserverAssigned):
        await service.apply_observer_assigned(session, data)
    elif isinstance(data, ev.ObserverEnded):
        await service.apply_observer_ended(session, data)
