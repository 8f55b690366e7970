"""Inbox dedup and row claiming, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from service_kit.claims import claim
from service_kit.db import Database, utcnow
from service_kit.inbox import InboxEvent, record_once
from service_kit.outbox import OutboxEvent


async def test_inbox_records_each_event_once_per_consumer(kit_db: Database) -> None:
    async def once(consumer: str, event_id: str) -> bool:
        async with kit_db.transaction() as session:
            return await record_once(
                session, consumer=consumer, source="/s", event_id=event_id, event_type="t"
            )

    assert await once("scoring.a", "e1") is True
    assert await once("scoring.a", "e1") is False
    assert await once("notifications.a", "e1") is True  # another consumer applies it too
    assert await once("scoring.a", "e2") is True


async def test_inbox_row_rolls_back_with_the_handler(kit_db: Database) -> None:
    try:
        async with kit_db.transaction() as session:
            await record_once(session, consumer="c", source="/s", event_id="e", event_type="t")
            raise RuntimeError("handler failed")
    except RuntimeError:
        pass
    async with kit_db.transaction() as session:
        assert (
            await record_once(session, consumer="c", source="/s", event_id="e", event_type="t")
            is True
        )


async def test_concurrent_duplicates_apply_once(kit_db: Database) -> None:
    async def once() -> bool:
        async with kit_db.transaction() as session:
            first = await record_once(
                session, consumer="c", source="/s", event_id="same", event_type="t"
            )
            await asyncio.sleep(0.05)  # hold the transaction open while the other one tries
            return first

    results = await asyncio.gather(*(once() for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]
    async with kit_db.session() as session:
        assert len((await session.execute(InboxEvent.__table__.select())).all()) == 1


async def test_two_sweepers_never_claim_the_same_row(kit_db: Database) -> None:
    now = utcnow()
    async with kit_db.transaction() as session:
        for i in range(40):
            session.add(
                OutboxEvent(
                    id=f"r{i:02d}",
                    event_type="t",
                    routing_key="k",
                    payload="{}",
                    created_at=now,
                    available_at=now - timedelta(seconds=1),
                )
            )
        session.add(
            OutboxEvent(
                id="future",
                event_type="t",
                routing_key="k",
                payload="{}",
                created_at=now,
                available_at=now + timedelta(hours=1),
            )
        )

    claimed: list[list[str]] = []

    async def sweeper() -> None:
        while True:
            async with kit_db.transaction() as session:
                rows = await claim(
                    session,
                    OutboxEvent,
                    OutboxEvent.published_at.is_(None),  # type: ignore[union-attr]
                    OutboxEvent.available_at <= utcnow(),  # type: ignore[operator]
                    order_by=(OutboxEvent.id,),
                    limit=7,
                )
                if not rows:
                    return
                await asyncio.sleep(0.02)  # work while holding the claim
                for row in rows:
                    row.published_at = utcnow()
                claimed.append([r.id for r in rows])

    await asyncio.gather(sweeper(), sweeper())
    flat = [row_id for batch in claimed for row_id in batch]
    assert sorted(flat) == [f"r{i:02d}" for i in range(40)]  # each due row exactly once
    assert "future" not in flat
