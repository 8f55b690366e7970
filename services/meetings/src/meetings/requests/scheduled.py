"""The sweep that makes request deadlines happen: reminders before, escalation after.

Every `sweep_interval_seconds` it claims requests whose `next_check_at` has come (SKIP LOCKED on
PostgreSQL, so replicas share the work), acts on each in one transaction with the outbox rows,
and records each action's key, so nothing happens twice across restarts or clock jumps.
"""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import col

from meetings.requests.lifecycle import OPEN
from meetings.requests.models import Request
from meetings.requests.service import RequestRules, prefetch_done_keys, process_due
from service_kit.claims import claim
from service_kit.runtime import BackgroundTask, ServiceRuntime

log = logging.getLogger(__name__)
BATCH = 200


async def sweep_once(runtime: ServiceRuntime, rules: RequestRules) -> int:
    """One pass over everything due now; returns the number of actions taken."""
    taken = 0
    while True:
        now = runtime.clock.now()
        async with runtime.uow() as uow:
            rows = await claim(
                uow.session,
                Request,
                col(Request.next_check_at) <= now,
                col(Request.status).in_([s.value for s in OPEN]),
                order_by=(col(Request.next_check_at), col(Request.id)),
                limit=BATCH,
            )
            batch_taken = 0
            await prefetch_done_keys(uow.session, [row.id for row in rows])
            for row in rows:
                batch_taken += await process_due(uow, row, now, rules)
            await uow.commit()
        taken += batch_taken
        if len(rows) < BATCH or not batch_taken:
            return taken


def request_sweeper(rules: RequestRules) -> BackgroundTask:
    async def sweep_requests(runtime: ServiceRuntime) -> None:
        while True:
            try:
                taken = await sweep_once(runtime, rules)
                if taken:
                    log.info("request sweep", extra={"actions": taken})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("request sweep failed; will try again")
            await asyncio.sleep(runtime.settings.sweep_interval_seconds)

    return sweep_requests
