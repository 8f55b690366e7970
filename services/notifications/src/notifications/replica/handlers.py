"""Event edge of the registry replica."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events import registry as ev
from notifications.replica import service
from service_kit.uow import UnitOfWork

ORGANISATION_KEYS = [
    "registry.organisation.registered.v1",
    "registry.organisation.renamed.v1",
    "registry.organisation.moved.v1",
]
OBSERVER_KEYS = ["registry.observer.assigned.v1", "registry.observer.ended.v1"]


async def on_registry_event(uow: UnitOfWork, _event: CloudEvent, data: EventData) -> None:
    session = uow.session
    if isinstance(data, ev.OrganisationRegistered):
        await service.apply_registered(session, data)
    elif isinstance(data, ev.OrganisationRenamed):
        await service.apply_renamed(session, data)
    elif isinstance(data, ev.OrganisationMoved):
        await service.apply_moved(session, data)
    elif isinstance(data, ev.ObserverAssigned):
        await service.apply_observer_assigned(session, data)
    elif isinstance(data, ev.ObserverEnded):
        await service.apply_observer_ended(session, data)
