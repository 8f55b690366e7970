"""Turning one event into inbox notifications and pending deliveries, in the consumer's unit of
work. Each (event, recipient, channel) is written at most once, whatever the replays."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from jinja2 import TemplateError
from sqlalchemy.dialects import postgresql, sqlite

from event_contracts import CloudEvent
from notifications.deliveries.models import Delivery
from notifications.directory.service import Directory
from notifications.inbox import service as inbox
from notifications.rules import service as rule_sets
from notifications.rules.rules import intents
from notifications.templates.rendering import context_for, render
from service_kit.bus.errors import PermanentError
from service_kit.db import utcnow
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class Planned:
    inbox: int = 0
    deliveries: int = 0
    unreachable: int = 0


async def plan(uow: UnitOfWork, event: CloudEvent, directory: Directory) -> Planned:
    active = await rule_sets.in_effect(uow.session, event.time)
    found = intents(active.document, event.routing_key, event.data)
    insert = postgresql.insert if uow.db.dialect == "postgresql" else sqlite.insert
    context = context_for(event)
    planned = Planned()
    for intent in found:
        subject, body = "", ""
        if intent.channel in ("inbox", "email"):
            template = active.document.templates[event.routing_key][intent.channel]
            try:
                rendered = render(template.subject, template.body, context)
            except TemplateError as exc:
                # Permanent: the event goes to the DLQ; fix the rule set, then replay it.
                raise PermanentError(
                    f"template {event.routing_key}/{intent.channel} of rule set "
                    f"v{active.version} fails: {exc}"
                ) from exc
            subject, body = rendered.subject, rendered.body
        if intent.channel == "inbox":
            planned.inbox += await inbox.record(
                uow,
                event,
                recipient=intent.recipient,
                subject=subject,
                body=body,
                urgent=intent.urgency == "urgent",
                rule_set_version=active.version,
            )
            continue
        contact = await directory.contact(uow.session, intent.recipient, intent.channel)
        if contact is None:
            planned.unreachable += 1
            log.info(
                "no contact point",
                extra={"recipient": intent.recipient, "channel": intent.channel},
            )
            continue
        if intent.channel == "webhook":
            body = event.to_json().decode()
        stmt = (
            insert(Delivery)
            .values(
                id=new_id(),
                event_id=event.id,
                event_type=event.type,
                recipient=intent.recipient,
                channel=intent.channel,
                urgency=intent.urgency,
                rule_id=intent.rule_id,
                rule_set_version=active.version,
                contact_point_id=contact.id,
                subject=subject,
                body=body,
                status="pending",
                attempts=0,
                next_attempt_at=utcnow(),
                created_at=utcnow(),
            )
            .on_conflict_do_nothing()
        )
        planned.deliveries += (await uow.session.execute(stmt)).rowcount
    return planned
