"""The delivery worker as a background task of the service process."""

from __future__ import annotations

import contextlib

from notifications.context import NotificationsContext
from notifications.deliveries.jobs import Sender
from notifications.deliveries.worker import DeliveryWorker
from notifications.email.sender import SmtpSender
from notifications.settings import NotificationsSettings
from notifications.webhooks.sender import WebhookSender
from notifications.webhooks.targets import Resolver, system_resolver


def senders(
    settings: NotificationsSettings, resolve: Resolver = system_resolver
) -> dict[str, Sender]:
    return {"email": SmtpSender(settings), "webhook": WebhookSender(settings, resolve)}


async def deliver(ctx: NotificationsContext) -> None:
    settings = ctx.notifications_settings
    channels = senders(settings, ctx.resolver)
    try:
        worker = DeliveryWorker(
            ctx.db, settings, channels, directory=ctx.directory, clock=ctx.clock
        )
        await worker.run()
    finally:
        for sender in channels.values():
            with contextlib.suppress(Exception):
                await sender.close()
