"""The sweep that flags observer reports still missing at their due time, once each — except
for meetings held in a month before the branch's go-live (back-filled minutes): no report is
owed for those, so none is overdue (`org_tree.golive`)."""

from __future__ import annotations

from sqlmodel import col

from meetings.context import MeetingsContext
from meetings.observers.models import ObserverReport
from meetings.observers.service import held_on, mark_overdue
from org_tree import golive
from service_kit.claims import claim
from service_kit.clock import vietnam_date
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
            held = await held_on(uow.session, [row.meeting_id for row in rows])
            live = await golive.load(uow.session, vietnam_date(now))
            for row in rows:
                day = held.get(row.meeting_id)
                if day is None or live.month_live(row.branch_id, day.year, day.month):
                    await mark_overdue(uow, row)
                else:
                    row.status = "not_in_use"
            await uow.commit()
        flagged += len(rows)
        if len(rows) < BATCH:
            return flagged


overdue_report_sweeper = periodic(
    "observer-report-sweep", sweep_once, interval=lambda ctx: ctx.settings.sweep_interval_seconds
)
