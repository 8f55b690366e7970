"""The daily digest job: every `scheduler_poll_seconds`, once the local digest hour is reached,
a digest for each person with pending items (at most one per person and day), then the weekly
per-person metric. Time comes from the injected clock, so tests and demos can move it."""

from __future__ import annotations

import time
from datetime import datetime

from notifications.context import NotificationsContext
from notifications.fatigue import metrics, service
from notifications.fatigue.rules import digest_due
from service_kit.sweeper import periodic

METRICS_EVERY_SECONDS = 3600.0  # a GROUP BY over a week of rows: hourly is fresh enough


async def digest_once(
    ctx: NotificationsContext, now: datetime | None = None, *, refresh_metrics: bool = True
) -> int:
    settings = ctx.notifications_settings
    now = now or ctx.now()
    built = 0
    on = digest_due(now, settings.digest_local_hour)
    if on is not None:
        built = await service.build_digests(ctx.db, on, ctx.directory, now)
    if refresh_metrics:
        async with ctx.db.session() as session:
            metrics.publish(await service.weekly_counts(session, now))
    return built


async def _digest_pass(ctx: NotificationsContext) -> int:
    refresh = time.monotonic() - ctx.digest_metrics_at >= METRICS_EVERY_SECONDS
    built = await digest_once(ctx, refresh_metrics=refresh)
    if refresh:
        ctx.digest_metrics_at = time.monotonic()
    return built


send_digests = periodic(
    "digests",
    _digest_pass,
    interval=lambda ctx: ctx.notifications_settings.scheduler_poll_seconds,
)
