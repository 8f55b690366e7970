"""The delivery worker as a background task of the service process."""

from __future__ import annotations

import contextlib
from typing import cast

from notifications.deliveries.jobs import Sender
from notifications.deliveries.worker import DeliveryWorker
from notifications.directory.service import directory_for
from notifications.email.sender import SmtpSender
from notifications.settings import NotificationsSettings
from notifications.webhooks.sender import WebhookSender
from service_kit.runtime import ServiceRuntime


def senders(settings: NotificationsSettings) -> dict[str, Sender]:
    return {"email": SmtpSender(settings), "webhook": WebhookSender(settings)}


async def deliver(runtime: ServiceRuntime) -> None:
    settings = cast(NotificationsSettings, runtime.settings)
    channels = senders(settings)
    try:
        directory = directory_for(runtime.db)
        await DeliveryWorker(runtime.db, settings, channels, directory=directory).run()
    finally:
        for sender in channels.values():
            with contextlib.suppress(Exception):
                await sender.close()
