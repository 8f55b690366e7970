"""The sweep that notices missed meetings: expectations for this month, then every one due and
still unmet becomes `meetings.meeting.missed.v1`, once (the row's status is the record) — unless
the month lies before the branch's go-live (`org_tree.golive`): then it is not in use."""

from __future__ import annotations

from sqlmodel import col

from meetings.context import MeetingsContext
from meetings.schedules import rules, service
from meetings.schedules.models import MeetingExpectation
from org_tree import golive
from service_kit.claims import claim
from service_kit.clock import vietnam_date
from service_kit.sweeper import periodic

BATCH = 500


async def sweep_once(ctx: MeetingsContext) -> int:
    now = ctx.now()
    today = vietnam_date(now)
    async with ctx.uow() as uow:
        # Only the current month: a month before the service tracked a branch is not "missed".
        await service.expect_month(uow.session, ctx.meeting_rules, rules.period_of(today), today)
        await uow.commit()
    missed = 0
    while True:
        async with ctx.uow() as uow:
            rows = await claim(
                uow.session,
                MeetingExpectation,
                col(MeetingExpectation.status) == "expected",
                col(MeetingExpectation.due_at) <= now,
                order_by=(col(MeetingExpectation.due_at),),
                limit=BATCH,
            )
            live = await golive.load(uow.session, today)
            for row in rows:
                year, month = (int(x) for x in row.period.split("-"))
                outcome = rules.settle(row.due_at, now, live.month_live(row.branch_id, year, month))
                if outcome == "missed":
                    await service.mark_missed(uow, row, now)
                elif outcome == "not_in_use":
                    service.mark_not_in_use(row, now)
            await uow.commit()
        missed += len(rows)
        if len(rows) < BATCH:
            return missed


missed_meeting_sweeper = periodic(
    "missed-meeting-sweep", sweep_once, interval=lambda ctx: ctx.settings.sweep_interval_seconds
)
