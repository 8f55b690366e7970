"""Event edge: every consumed event type goes through the same rules."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from notifications.context import NotificationsContext
from notifications.dispatch import service
from service_kit.uow import UnitOfWork


async def on_event(
    ctx: NotificationsContext, uow: UnitOfWork, event: CloudEvent, _data: EventData
) -> None:
    await service.plan(uow, event, ctx.directory, ctx.renderer)
