"""The daily digest job: every `scheduler_poll_seconds`, once the local digest hour is reached,
a digest for each person with pending items (at most one per person and day), then the weekly
per-person metric. Time comes from `runtime.clock`, so tests and demos can move it."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import cast

from notifications.directory.service import directory_for
from notifications.fatigue import metrics, service
from notifications.fatigue.rules import digest_due
from notifications.settings import NotificationsSettings
from service_kit.runtime import ServiceRuntime

log = logging.getLogger(__name__)


METRICS_EVERY_SECONDS = 3600.0  # a GROUP BY over a week of rows: hourly is fresh enough


async def digest_once(
    runtime: ServiceRuntime, now: datetime | None = None, *, refresh_metrics: bool = True
) -> int:
    settings = cast(NotificationsSettings, runtime.settings)
    now = now or runtime.clock.now()
    built = 0
    on = digest_due(now, settings.digest_local_hour)
    if on is not None:
        built = await service.build_digests(runtime.db, on, directory_for(runtime.db))
    if refresh_metrics:
        async with runtime.db.session() as session:
            metrics.publish(await service.weekly_counts(session, now))
    return built


async def send_digests(runtime: ServiceRuntime) -> None:
    settings = cast(NotificationsSettings, runtime.settings)
    refreshed_at = -METRICS_EVERY_SECONDS
    while True:
        try:
            refresh = time.monotonic() - refreshed_at >= METRICS_EVERY_SECONDS
            built = await digest_once(runtime, refresh_metrics=refresh)
            if refresh:
                refreshed_at = time.monotonic()
            if built:
                log.info("digests built", extra={"count": built})
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("digest job failed; will try again")
        await asyncio.sleep(settings.scheduler_poll_seconds)
