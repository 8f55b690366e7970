"""Fixtures of the notifications tests: a real SMTP sink and a real webhook receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from notifications_servers import WebhookReceiver, running_receiver

from notifications.email.sink import SmtpSink


@pytest.fixture
async def sink() -> AsyncIterator[SmtpSink]:
    server = await SmtpSink().start()
    yield server
    await server.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with running_receiver(WebhookReceiver()) as running:
        yield running
