"""Sending a webhook: the CloudEvent as body, Standard Webhooks headers, no redirects followed,
connected only to an address checked when connecting (`webhooks.targets`)."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import httpx

from event_contracts.envelope import CONTENT_TYPE
from notifications.deliveries.jobs import Job
from notifications.deliveries.rules import Outcome, http_outcome
from notifications.settings import NotificationsSettings
from notifications.webhooks.targets import (
    GuardedBackend,
    GuardedTransport,
    Resolver,
    refused_reason,
    system_resolver,
)
from notifications.webhooks.verify import signature_header
from service_kit.db import utcnow


def signed_headers(job: Job, timestamp: int) -> dict[str, str]:
    body = job.body.encode()
    return {
        "content-type": CONTENT_TYPE,
        "webhook-id": job.delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(job.secrets, job.delivery_id, timestamp, body),
    }


class WebhookSender:
    def __init__(
        self, settings: NotificationsSettings, resolve: Resolver = system_resolver
    ) -> None:
        self.timeout_seconds = settings.webhook_timeout_seconds
        self.allow_insecure = settings.webhook_allow_insecure
        # Development may post to local sinks; otherwise only to public addresses.
        backend = (
            GuardedBackend(resolve, allowed=lambda _: True)
            if settings.webhook_allow_insecure
            else GuardedBackend(resolve)
        )
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(backend, limits),
            timeout=httpx.Timeout(self.timeout_seconds),
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would connect where we never checked
            headers={"user-agent": "chibo-webhooks/1"},
        )

    async def send(self, job: Job) -> Outcome:
        if not job.secrets:
            return Outcome(ok=False, permanent=True, error="webhook has no valid signing secret")
        if not self.allow_insecure and urlsplit(job.target).scheme != "https":
            # A target saved in development mode (or before it was refused) is not sent to.
            return Outcome(ok=False, permanent=True, error="plain http is for development only")
        # Real time, not the business clock: the receiver checks the signature's timestamp
        # against its own wall clock.
        headers = signed_headers(job, int(time.time()))
        try:
            # httpx times each phase; this bounds the whole exchange, slow trickles included.
            async with asyncio.timeout(self.timeout_seconds):
                async with self._client.stream(
                    "POST", job.target, content=job.body.encode(), headers=headers
                ) as response:
                    return http_outcome(
                        response.status_code, response.headers.get("retry-after"), utcnow()
                    )
        except (httpx.HTTPError, TimeoutError) as exc:
            refused = refused_reason(exc)
            if refused is not None:  # checked again now: the name points somewhere private
                return Outcome(ok=False, permanent=True, error=f"refused address: {refused}"[:500])
            return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500])

    async def close(self) -> None:
        await self._client.aclose()
