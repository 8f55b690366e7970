"""How long the daily digest takes for N people (not a test).

    PYTHONPATH=services/notifications/tests .venv/bin/python \
        services/notifications/tests/bench_notifications_digest.py [people] [items] [sqlite|<url>]

Each person has an e-mail contact point and `items` folded items; times `build_digests` (one
digest e-mail per person, rendered and written as a pending delivery), not the SMTP sending.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from chibo_testing.plugin import migrated
from notifications.deliveries.models import Delivery
from notifications.directory.models import ContactPoint
from notifications.directory.service import CONFIGURED
from notifications.fatigue.models import DigestItem
from notifications.fatigue.service import build_digests
from notifications.main import MIGRATIONS
from service_kit.db import utcnow


async def main(people: int, items: int, db_url: str) -> None:
    db = await migrated(db_url, MIGRATIONS)
    now = utcnow()
    async with db.transaction() as session:
        await session.execute(
            sa.insert(ContactPoint),
            [
                {
                    "id": f"c{p}",
                    "address": f"branch-secretary:b{p}",
                    "channel": "email",
                    "target": f"bithu{p}@example.vn",
                    "active": True,
                    "created_at": now,
                }
                for p in range(people)
            ],
        )
        await session.execute(
            sa.insert(DigestItem),
            [
                {
                    "id": f"i{p}-{n}",
                    "event_id": f"e{p}-{n}",
                    "event_type": "vn.chibo.meetings.request.answered.v1",
                    "recipient": f"branch-secretary:b{p}",
                    "subject": f"Kiến nghị số {n} của chi bộ b{p} đã trả lời",
                    "urgent": n == 0,
                    "reason": "routine",
                    "created_at": now,
                }
                for p in range(people)
                for n in range(items)
            ],
        )
    started = time.perf_counter()
    built = await build_digests(db, date(2026, 12, 1), CONFIGURED)
    elapsed = time.perf_counter() - started
    async with db.session() as session:
        mails = (
            await session.execute(sa.select(sa.func.count()).where(Delivery.rule_id == "digest"))
        ).scalar_one()
    await db.dispose()
    print(
        f"{built} digests ({mails} e-mails, {people * items} items) in {elapsed:.2f} s "
        f"= {built / elapsed:.0f} people/s on {db_url.split(':')[0]}"
    )


if __name__ == "__main__":
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    target = sys.argv[3] if len(sys.argv) > 3 else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        url = target if target != "sqlite" else f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        asyncio.run(main(people, items, url))
