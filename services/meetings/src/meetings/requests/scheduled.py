"""The sweep that makes request deadlines happen: reminders before, escalation after.

Every `sweep_interval_seconds` it claims requests whose `next_check_at` has come (SKIP LOCKED on
PostgreSQL, so replicas share the work), acts on each in one transaction with the outbox rows,
and records each action's key, so nothing happens twice across restarts or clock jumps.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from meetings.context import MeetingsContext
from meetings.requests.batch import BatchWrites, claim_due
from meetings.requests.metrics import OPEN_BY_LEVEL
from meetings.requests.service import (
    RequestRules,
    open_by_level,
    prefetch_done_keys,
    process_due,
)
from service_kit.sweeper import periodic
from service_kit.uow import UnitOfWork

# A batch holds SQLite's one writer (intake waits behind it): 500 requests take about as long
# as 200 did before the batch was set-based (~0.25 s), and 500 saved ~10% of the sweep's CPU
# over 200 (fewer commits, ladder look-ups and claims per request).
BATCH = 500


async def sweep_once(ctx: MeetingsContext) -> int:
    """One pass over everything due now; returns the number of actions taken."""
    taken = 0
    while True:
        # On SQLite each batch runs on the writer's thread, not a thread hop per statement.
        claimed, batch_taken = await ctx.runtime.on_writer(_batch(ctx.now(), ctx.request_rules))
        taken += batch_taken
        if claimed < BATCH or not batch_taken:
            return taken


def _batch(
    now: datetime, rules: RequestRules
) -> Callable[[UnitOfWork], Awaitable[tuple[int, int]]]:
    """Claim up to BATCH due requests and act on each, in one transaction with the outbox rows:
    (claimed, actions taken)."""

    async def batch(uow: UnitOfWork) -> tuple[int, int]:
        rows = await claim_due(uow.session, now, BATCH)
        await prefetch_done_keys(uow.session, [row.id for row in rows])
        writes = BatchWrites(uow)
        taken = 0
        for row in rows:
            taken += await process_due(writes, row, now, rules)
        await writes.save(rows)
        await uow.commit()
        return len(rows), taken

    return batch


async def sweep_and_count(ctx: MeetingsContext) -> int:
    """A sweep, then the open requests by level for /metrics (one GROUP BY per pass)."""
    taken = await sweep_once(ctx)
    async with ctx.db.session() as session:
        counts = await open_by_level(session)
    OPEN_BY_LEVEL.clear()  # a level nobody owes anything to any more disappears
    for level, count in counts.items():
        OPEN_BY_LEVEL.labels(str(level)).set(count)
    return taken


request_sweeper = periodic(
    "request-sweep", sweep_and_count, interval=lambda ctx: ctx.settings.sweep_interval_seconds
)
