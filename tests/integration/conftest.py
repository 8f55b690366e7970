"""Tests that put two services together in one process (notifications asking a real registry,
meetings backfilling its replica from it). They reuse the services' own test helpers and the
real SMTP sink and webhook receiver of the notifications tests."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
for helpers in (ROOT / "services/notifications/tests", ROOT / "services/meetings/tests"):
    if str(helpers) not in sys.path:
        sys.path.insert(0, str(helpers))

from notifications_servers import WebhookReceiver, running_receiver  # noqa: E402

from notifications.email.sink import SmtpSink  # noqa: E402


@pytest.fixture
async def sink() -> AsyncIterator[SmtpSink]:
    server = await SmtpSink().start()
    yield server
    await server.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with running_receiver(WebhookReceiver()) as running:
        yield running
