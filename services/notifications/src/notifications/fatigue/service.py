"""Folding e-mails into digests, counting a person's immediate e-mails, building the digests."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.deliveries.models import Delivery
from notifications.directory.service import Directory
from notifications.fatigue.models import Digest, DigestItem
from notifications.fatigue.rules import DigestLine, compose, local_day_start, week_start
from notifications.inbox.models import Notification
from service_kit.db import Database
from service_kit.ids import new_id

DIGEST_RULE = "digest"
BATCH = 500


async def sent_today(session: AsyncSession, recipient: str, now: datetime) -> int:
    """Immediate e-mails this person got since local midnight (digests do not count)."""
    stmt = sa.select(sa.func.count()).where(
        Delivery.recipient == recipient,
        Delivery.channel == "email",
        Delivery.rule_id != DIGEST_RULE,
        Delivery.created_at >= local_day_start(now),
    )
    return int((await session.execute(stmt)).scalar_one())


async def fold(
    session: AsyncSession,
    *,
    event_id: str,
    event_type: str,
    recipient: str,
    subject: str,
    urgent: bool,
    reason: str,
    now: datetime,
) -> int:
    """Keep the e-mail for the person's next digest; once per (event, recipient)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(DigestItem)
        .values(
            id=new_id(),
            event_id=event_id,
            event_type=event_type,
            recipient=recipient,
            subject=subject,
            urgent=urgent,
            reason=reason,
            created_at=now,
        )
        .on_conflict_do_nothing()
    )
    result: sa.CursorResult[Any] = await session.execute(stmt)  # type: ignore[assignment]
    return int(result.rowcount)


def digest_id(recipient: str, on: date) -> str:
    digest = hashlib.sha256(f"{recipient}|{on.isoformat()}".encode()).hexdigest()[:40]
    return f"digest-{digest}"


async def build_digests(db: Database, on: date, directory: Directory, now: datetime) -> int:
    """One digest per person with pending items and none yet for `on`; returns how many. It is
    e-mailed where the directory routes the person (a contact point, or the registry's people).

    Several replicas may run this: the unique (recipient, day) makes the loser's batch roll back
    and its next run finds nothing left to do."""
    built = 0
    while True:
        async with db.transaction() as session:
            done_today = sa.select(Digest.recipient).where(Digest.local_on == on)
            recipients = list(
                (
                    await session.execute(
                        sa.select(DigestItem.recipient)
                        .where(
                            DigestItem.digest_id.is_(None),
                            DigestItem.recipient.notin_(done_today),
                        )
                        .distinct()
                        .order_by(DigestItem.recipient)
                        .limit(BATCH)
                    )
                ).scalars()
            )
            if not recipients:
                return built
            items = (
                await session.execute(
                    sa.select(DigestItem).where(
                        DigestItem.digest_id.is_(None), DigestItem.recipient.in_(recipients)
                    )
                )
            ).scalars()
            by_recipient: dict[str, list[DigestItem]] = defaultdict(list)
            for item in items:
                by_recipient[item.recipient].append(item)
            routes = await directory.routes(session, recipients, "email")
            for recipient in recipients:
                found = by_recipient[recipient]
                digest = Digest(
                    id=digest_id(recipient, on),
                    recipient=recipient,
                    local_on=on,
                    item_count=len(found),
                    created_at=now,
                )
                route = routes.get(recipient)
                if route is not None:
                    subject, body = compose(
                        on,
                        [
                            DigestLine(i.event_type, i.subject, i.urgent, i.created_at)
                            for i in found
                        ],
                    )
                    delivery = Delivery(
                        id=new_id(),
                        event_id=digest.id,
                        event_type="digest",
                        recipient=recipient,
                        channel="email",
                        urgency="routine",
                        rule_id=DIGEST_RULE,
                        rule_set_version=0,
                        contact_point_id=route.contact_point_id,
                        subject=subject,
                        body=body,
                        next_attempt_at=now,
                        created_at=now,
                    )
                    session.add(delivery)
                    digest.delivery_id = delivery.id
                session.add(digest)
                for item in found:
                    item.digest_id = digest.id
            await session.flush()
        built += len(recipients)


async def weekly_counts(session: AsyncSession, now: datetime) -> dict[str, list[int]]:
    """Per-person counts over the last 7 days: inbox entries, and e-mails (immediate + digests)."""
    since = week_start(now)
    inbox = (
        await session.execute(
            sa.select(sa.func.count())
            .where(Notification.created_at >= since)
            .group_by(Notification.recipient)
        )
    ).scalars()
    email = (
        await session.execute(
            sa.select(sa.func.count())
            .where(Delivery.channel == "email", Delivery.created_at >= since)
            .group_by(Delivery.recipient)
        )
    ).scalars()
    return {"inbox": [int(n) for n in inbox], "email": [int(n) for n in email]}
