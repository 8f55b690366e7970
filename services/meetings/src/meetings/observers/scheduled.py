"""The sweep that flags observer reports still missing at their due time, once each."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import col

from meetings.observers.models import ObserverReport
from meetings.observers.service import mark_overdue
from service_kit.claims import claim
from service_kit.runtime import BackgroundTask, ServiceRuntime

log = logging.getLogger(__name__)
BATCH = 500


async def sweep_once(runtime: ServiceRuntime) -> int:
    flagged = 0
    while True:
        now = runtime.clock.now()
        async with runtime.uow() as uow:
            rows = await claim(
                uow.session,
                ObserverReport,
                col(ObserverReport.status) == "expected",
                col(ObserverReport.due_at) <= now,
                order_by=(col(ObserverReport.due_at),),
                limit=BATCH,
            )
            for row in rows:
                await mark_overdue(uow, row)
            await uow.commit()
        flagged += len(rows)
        if len(rows) < BATCH:
            return flagged


def overdue_report_sweeper() -> BackgroundTask:
    async def sweep_observer_reports(runtime: ServiceRuntime) -> None:
        while True:
            try:
                flagged = await sweep_once(runtime)
                if flagged:
                    log.info("observer reports overdue", extra={"count": flagged})
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("observer-report sweep failed; will try again")
            await asyncio.sleep(runtime.settings.sweep_interval_seconds)

    return sweep_observer_reports
