"""Event edge of the member replica (the tree's and the observers' handlers are shared)."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events import registry as ev
from meetings.replica import service
from service_kit.context import ServiceContext
from service_kit.uow import UnitOfWork


async def on_member_event(
    _ctx: ServiceContext, uow: UnitOfWork, _event: CloudEvent, data: EventData
) -> None:
    if isinstance(data, ev.MemberAdmitted):
        await service.apply_member_admitted(uow.session, data)
    elif isinstance(data, ev.MemberStatusChanged):
        await service.apply_member_status(uow.session, data)
    elif isinstance(data, ev.MemberTransferred):
        await service.apply_member_transferred(uow.session, data)


async def on_cluster_event(
    _ctx: ServiceContext, uow: UnitOfWork, _event: CloudEvent, data: EventData
) -> None:
    if isinstance(data, ev.RotationClusterFormed):
        await service.apply_cluster_formed(uow.session, data)


CLUSTER_KEYS = ["registry.rotation_cluster.formed.v1"]

MEMBER_KEYS = [
    f"registry.member.{verb}.v1" for verb in ("admitted", "status_changed", "transferred")
]
