"""Event edge of the organisation-tree replica: one handler for every organisation fact, and the
routing keys a service binds its queue to."""

from __future__ import annotations

from event_contracts import CloudEvent, EventData
from event_contracts.events import registry as ev
from org_tree import replica
from service_kit.context import ServiceContext
from service_kit.uow import UnitOfWork


async def on_organisation_event(
    _ctx: ServiceContext, uow: UnitOfWork, _event: CloudEvent, data: EventData
) -> None:
    session = uow.session
    if isinstance(data, ev.OrganisationRegistered):
        await replica.apply_registered(session, data)
    elif isinstance(data, ev.OrganisationRenamed):
        await replica.apply_renamed(session, data)
    elif isinstance(data, ev.OrganisationMoved):
        await replica.apply_moved(session, data)
    elif isinstance(data, ev.OrganisationMerged | ev.OrganisationSplit | ev.OrganisationDissolved):
        await replica.apply_ceased(session, data)
    elif isinstance(data, ev.OrganisationGoLiveSet):
        await replica.apply_go_live_set(session, data)


ORGANISATION_KEYS = [
    f"registry.organisation.{verb}.v1"
    for verb in ("registered", "renamed", "moved", "merged", "split", "dissolved", "go_live_set")
]
