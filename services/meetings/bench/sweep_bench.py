"""How long one sweep takes over N open requests that are all due (SQLite or PostgreSQL).

    .venv/bin/python services/meetings/bench/sweep_bench.py --requests 100000
    .venv/bin/python services/meetings/bench/sweep_bench.py --requests 20000 --database-url postgresql+asyncpg://…
    .venv/bin/python services/meetings/bench/sweep_bench.py --requests 5000 --days 8

Prints the time to plant the requests (bulk insert, the baseline: pure write speed of the same
rows) and the time of the sweep that reminds or escalates every one of them: `--days` after
they were raised (40, the default: past both deadlines, every one escalates; 8: each gets the
acknowledgement's 50% reminder).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from meetings_factories import seed_tree

from meetings.main import MIGRATIONS, build_app
from meetings.requests.models import Request
from meetings.requests.scheduled import sweep_once
from meetings.settings import MeetingsSettings
from service_kit import migrations
from service_kit.clock import FrozenClock
from service_kit.outbox import OutboxEvent


async def main(n: int, url: str, days: float) -> None:
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    app = build_app(MeetingsSettings(database_url=url, amqp_url="amqp://guest:guest@127.0.0.1:1/"))  # type: ignore[arg-type]
    runtime = app.state.runtime
    start = datetime(2026, 3, 2, 2, tzinfo=UTC)
    async with runtime.uow() as uow:
        await seed_tree(uow)
        await uow.commit()
    rows = [
        {
            "id": f"r{i:07d}",
            "branch_id": "branch-dong-ha",
            "subject": "Đường",
            "text": "…",
            "addressee_id": "xa-thach-ngoc",
            "status": "submitted",
            "level": 0,
            "level_organisation_id": "xa-thach-ngoc",
            "level_kind": "commune",
            "level_started_at": start,
            "policy_id": "default",
            "policy_version": "2025-07-01",
            "next_check_at": start,
            "version": 1,
            "created_at": start,
        }
        for i in range(n)
    ]
    t0 = time.perf_counter()
    async with runtime.db.transaction() as session:
        for i in range(0, n, 5000):
            await session.execute(sa.insert(Request), rows[i : i + 5000])
    plant = time.perf_counter() - t0
    runtime.clock = FrozenClock(start + timedelta(days=days))
    t0 = time.perf_counter()
    actions = await sweep_once(runtime.context)
    sweep = time.perf_counter() - t0
    async with runtime.db.session() as session:
        events = await session.scalar(sa.select(sa.func.count()).select_from(OutboxEvent))
    await runtime.db.dispose()
    print(f"{n:,} open requests, {url.split(':')[0]}")
    print(f"plant (bulk insert, baseline): {plant:.1f}s = {n / plant:,.0f} rows/s")
    print(
        f"sweep: {sweep:.1f}s = {n / sweep:,.0f} requests/s, {actions:,} actions, "
        f"{events:,} events ({sweep / plant:.1f}x the baseline)"
    )
    assert date.today()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--days", type=float, default=40, help="sweep this long after raising")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/sweep.db"
        asyncio.run(main(args.requests, url, args.days))
