"""The sweep that flags observer reports still missing at their due time, once each."""

from __future__ import annotations

from sqlmodel import col

from meetings.context import MeetingsContext
from meetings.observers.models import ObserverReport
from meetings.observers.service import mark_overdue
from service_kit.claims import claim
from service_kit.sweeper import periodic

BATCH = 500


async def sweep_once(ctx: MeetingsContext) -> int:
    flagged = 0
    while True:
        now = ctx.now()
        async with ctx.uow() as uow:
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


overdue_report_sweeper = periodic(
    "observer-report-sweep", sweep_once, interval=lambda ctx: ctx.settings.sweep_interval_seconds
)
