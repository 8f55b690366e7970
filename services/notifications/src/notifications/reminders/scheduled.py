"""The reminder job: every `scheduler_poll_seconds`, the reminders due on today's local date
(the injected clock), each once."""

from __future__ import annotations

from datetime import datetime

from notifications.context import NotificationsContext
from notifications.reminders import service
from service_kit.clock import vietnam_date
from service_kit.sweeper import periodic


async def remind_once(ctx: NotificationsContext, now: datetime | None = None) -> int:
    settings = ctx.notifications_settings
    today = vietnam_date(now or ctx.now())
    async with ctx.uow() as uow:
        sent = await service.send_due(
            uow,
            today,
            ctx.directory,
            lead_days=settings.reminder_lead_days,
            report_due_day=settings.report_due_day,
        )
        await uow.commit()
    return sent


send_reminders = periodic(
    "reminders",
    remind_once,
    interval=lambda ctx: ctx.notifications_settings.scheduler_poll_seconds,
)
