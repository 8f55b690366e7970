"""Event edge: every consumed event type goes through the same rules."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from notifications.directory.service import directory_for
from notifications.dispatch import service
from service_kit.uow import UnitOfWork


async def on_event(uow: UnitOfWork, event: CloudEvent, data: EventData) -> None:
    await service.plan(uow, event, directory_for(uow.db))
