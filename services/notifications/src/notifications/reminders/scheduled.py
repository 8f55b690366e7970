"""The reminder job: every `scheduler_poll_seconds`, the reminders due on today's local date
(`runtime.clock`), each once."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import cast

from notifications.directory.service import directory_for
from notifications.reminders import service
from notifications.settings import NotificationsSettings
from service_kit.clock import vietnam_date
from service_kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)


async def remind_once(runtime: ServiceRuntime, now: datetime | None = None) -> int:
    settings = cast(NotificationsSettings, runtime.settings)
    today = vietnam_date(now or runtime.clock.now())
    async with runtime.uow() as uow:
        sent = await service.send_due(
            uow,
            today,
            directory_for(runtime.db),
            lead_days=settings.reminder_lead_days,
            report_due_day=settings.report_due_day,
        )
        await uow.commit()
    return sent


async def send_reminders(runtime: ServiceRuntime) -> None:
    settings = cast(NotificationsSettings, runtime.settings)
    while True:
        try:
            sent = await remind_once(runtime)
            if sent:
                log.info("reminders sent", extra={"count": sent})
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("reminder job failed; will try again")
        await asyncio.sleep(settings.scheduler_poll_seconds)
