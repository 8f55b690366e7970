"""Event edge of the member and observer replica (the organisation tree's handler is shared)."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events import registry as ev
from meetings.replica import service
from service_kit.uow import UnitOfWork


async def on_observer_event(uow: UnitOfWork, _event: CloudEvent, data: EventData) -> None:
    if isinstance(data, ev.ObserverAssigned):
        await service.apply_observer_assigned(uow.session, data)
    elif isinstance(data, ev.ObserverEnded):
        await service.apply_observer_ended(uow.session, data)


async def on_member_event(uow: UnitOfWork, _event: CloudEvent, data: EventData) -> None:
    if isinstance(data, ev.MemberAdmitted):
        await service.apply_member_admitted(uow.session, data)
    elif isinstance(data, ev.MemberStatusChanged):
        await service.apply_member_status(uow.session, data)
    elif isinstance(data, ev.MemberTransferred):
        await service.apply_member_transferred(uow.session, data)


MEMBER_KEYS = [
    f"registry.member.{verb}.v1" for verb in ("admitted", "status_changed", "transferred")
]
OBSERVER_KEYS = ["registry.observer.assigned.v1", "registry.observer.ended.v1"]
