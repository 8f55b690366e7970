"""Turning one event into inbox notifications, pending deliveries and digest items, in the
consumer's unit of work. Each (event, recipient, channel) is written at most once, whatever the
replays. Reminders go through `place` too."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from jinja2 import TemplateError
from prometheus_client import Counter
from sqlalchemy.dialects import postgresql, sqlite

from event_contracts import CloudEvent
from notifications.agencies import service as agencies
from notifications.deliveries.models import Delivery
from notifications.directory.service import Directory, route
from notifications.fatigue import service as fatigue
from notifications.fatigue.rules import send_now
from notifications.inbox import service as inbox
from notifications.replica import service as replica
from notifications.rules import service as rule_sets
from notifications.rules.rules import intents
from notifications.rules.schemas import Channel, FatiguePolicy, Urgency
from notifications.rules.schemas import Delivery as DeliveryMode
from notifications.templates.rendering import Rendered, context_for
from notifications.templates.worker import TemplateRenderer
from service_kit.clock import vietnam_date
from service_kit.errors import PermanentError
from service_kit.ids import new_id
from service_kit.metrics import domain_name
from service_kit.uow import UnitOfWork

log = logging.getLogger(__name__)

ORGANISATION_FIELDS = (
    "branch_id",
    "addressee_id",
    "level_organisation_id",
    "from_level_organisation_id",
    "organisation_id",
    "parent_id",
)


@dataclass
class Planned:
    inbox: int = 0
    deliveries: int = 0
    digested: int = 0
    unreachable: int = 0


@dataclass(frozen=True)
class Message:
    """One message to one role address on one channel, rendered."""

    event_id: str
    event_type: str
    recipient: str
    channel: Channel
    urgency: Urgency
    delivery: DeliveryMode
    rule_id: str
    rule_set_version: int
    subject: str
    body: str


async def place(
    uow: UnitOfWork,
    message: Message,
    directory: Directory,
    fatigue_policy: FatiguePolicy,
    planned: Planned,
) -> None:
    """Inbox at once; e-mail now or into the digest (budget); webhooks always now. With no route
    on the channel (no contact point, nobody in the registry's reach) only the inbox entry is
    kept."""
    urgent = message.urgency == "urgent"
    if message.channel == "inbox":
        planned.inbox += await inbox.record(
            uow,
            event_id=message.event_id,
            event_type=message.event_type,
            recipient=message.recipient,
            subject=message.subject,
            body=message.body,
            urgent=urgent,
            rule_set_version=message.rule_set_version,
        )
        return
    found = await route(directory, uow.session, message.recipient, message.channel)
    if found is None:
        planned.unreachable += 1
        log.info(
            "no route to the recipient",
            extra={"recipient": message.recipient, "channel": message.channel},
        )
        return
    if message.channel == "email":
        sent = await fatigue.sent_today(uow.session, message.recipient, uow.now())
        budget = fatigue_policy.daily_immediate_budget
        if not send_now(message.urgency, message.delivery, sent, budget):
            planned.digested += await fatigue.fold(
                uow.session,
                event_id=message.event_id,
                event_type=message.event_type,
                recipient=message.recipient,
                subject=message.subject,
                urgent=urgent,
                reason="budget" if urgent or message.delivery == "immediate" else "routine",
                now=uow.now(),
            )
            return
    insert = postgresql.insert if uow.db.dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(Delivery)
        .values(
            id=new_id(),
            event_id=message.event_id,
            event_type=message.event_type,
            recipient=message.recipient,
            channel=message.channel,
            urgency=message.urgency,
            rule_id=message.rule_id,
            rule_set_version=message.rule_set_version,
            contact_point_id=found.contact_point_id,
            subject=message.subject,
            body=message.body,
            status="pending",
            attempts=0,
            next_attempt_at=uow.now(),
            created_at=uow.now(),
        )
        .on_conflict_do_nothing()
    )
    planned.deliveries += (await uow.session.execute(stmt)).rowcount


def organisation_ids(data: dict[str, object]) -> list[str]:
    return [str(data[f]) for f in ORGANISATION_FIELDS if data.get(f)]


async def plan(
    uow: UnitOfWork, event: CloudEvent, directory: Directory, renderer: TemplateRenderer
) -> Planned:
    active = await rule_sets.in_effect(uow.session, event.time)
    document = active.document
    found = intents(document, event.routing_key, event.data)
    planned = Planned()
    names = await replica.names(uow.session, organisation_ids(event.data)) if found else {}
    context = context_for(event, names)
    rendered_by_channel: dict[str, Rendered] = {}  # the context is the same for every recipient
    for intent in found:
        subject, body = "", ""
        if intent.channel in ("inbox", "email"):
            rendered = rendered_by_channel.get(intent.channel)
            if rendered is None:
                template = document.templates[event.routing_key][intent.channel]
                try:
                    rendered = await renderer.render(template.subject, template.body, context)
                except TemplateError as exc:
                    # Permanent (an unknown field, a bound exceeded, out of time): the event
                    # goes to the DLQ with this reason; fix the rule set, then replay it.
                    raise PermanentError(
                        f"template {event.routing_key}/{intent.channel} of rule set "
                        f"v{active.version} fails: {exc}"
                    ) from exc
                rendered_by_channel[intent.channel] = rendered
            subject, body = rendered.subject, rendered.body
        else:
            body = event.to_json().decode()
        message = Message(
            event_id=event.id,
            event_type=event.type,
            recipient=intent.recipient,
            channel=intent.channel,
            urgency=intent.urgency,
            delivery=intent.delivery,
            rule_id=intent.rule_id,
            rule_set_version=active.version,
            subject=subject,
            body=body,
        )
        await place(uow, message, directory, document.fatigue, planned)
    on = vietnam_date(event.time)
    for name in await agencies.webhook_subscribers(uow.session, event.routing_key, event.data, on):
        message = Message(
            event_id=event.id,
            event_type=event.type,
            recipient=agencies.address(name),
            channel="webhook",
            urgency="routine",
            delivery="immediate",
            rule_id="agency-subscription",
            rule_set_version=active.version,
            subject="",
            body=event.to_json().decode(),
        )
        await place(uow, message, directory, document.fatigue, planned)
    uow.after_commit(lambda: _count(planned))
    return planned


PLANNED = Counter(
    domain_name("notifications", "planned_total"),
    "What the rules decided for each event: inbox entries, deliveries (e-mail, webhook), "
    "e-mails folded into a digest, recipients with no route",
    ["outcome"],
)


def _count(planned: Planned) -> None:
    for outcome in ("inbox", "deliveries", "digested", "unreachable"):
        PLANNED.labels(outcome).inc(getattr(planned, outcome))
