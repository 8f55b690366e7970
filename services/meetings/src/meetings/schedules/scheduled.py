"""The sweep that notices missed meetings: expectations for this month, then every one due and
still unmet becomes `meetings.meeting.missed.v1`, once (the row's status is the record)."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import col

from meetings.schedules import rules, service
from meetings.schedules.models import MeetingExpectation
from service_kit.claims import claim
from service_kit.clock import vietnam_date
from service_kit.runtime import BackgroundTask, ServiceRuntime

log = logging.getLogger(__name__)
BATCH = 500


async def sweep_once(runtime: ServiceRuntime) -> int:
    now = runtime.clock.now()
    today = vietnam_date(now)
    async with runtime.uow() as uow:
        # Only the current month: a month before the service tracked a branch is not "missed".
        await service.expect_month(uow.session, rules.period_of(today), today)
        await uow.commit()
    missed = 0
    while True:
        async with runtime.uow() as uow:
            rows = await claim(
                uow.session,
                MeetingExpectation,
                col(MeetingExpectation.status) == "expected",
                col(MeetingExpectation.due_at) <= now,
                order_by=(col(MeetingExpectation.due_at),),
                limit=BATCH,
            )
            for row in rows:
                await service.mark_missed(uow, row, now)
            await uow.commit()
        missed += len(rows)
        if len(rows) < BATCH:
            return missed


def missed_meeting_sweeper() -> BackgroundTask:
    async def sweep_missed_meetings(runtime: ServiceRuntime) -> None:
        while True:
            try:
                missed = await sweep_once(runtime)
                if missed:
                    log.info("missed meetings", extra={"count": missed})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("missed-meeting sweep failed; will try again")
            await asyncio.sleep(runtime.settings.sweep_interval_seconds)

    return sweep_missed_meetings
