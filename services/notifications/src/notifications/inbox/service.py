"""Recording notifications: at most one per (event, recipient, channel), whatever the replays."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.dialects import postgresql, sqlite

from event_contracts import CloudEvent
from notifications.inbox.models import Notification
from notifications.inbox.rules import Message
from service_kit.ids import new_id
from service_kit.uow import UnitOfWork


async def record(uow: UnitOfWork, event: CloudEvent, messages: Iterable[Message]) -> int:
    dialect = uow.db.dialect
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    created = 0
    for msg in messages:
        stmt = (
            insert(Notification)
            .values(
                id=new_id(),
                event_id=event.id,
                event_type=event.type,
                recipient=msg.recipient,
                channel=msg.channel,
                subject=msg.subject,
                body=msg.body,
                urgent=msg.urgent,
            )
            .on_conflict_do_nothing()
        )
        created += (await uow.session.execute(stmt)).rowcount
    return created
