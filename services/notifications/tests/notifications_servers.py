"""Real local receivers for tests: a webhook receiver (uvicorn on 127.0.0.1), the service in
process with its delivery worker, and factories.

The receiver verifies every message with the helper shipped for agencies
(`notifications.webhooks.verify`) and behaves per path as a test tells it to: ok, fail (500),
slow (sleeps past the sender's timeout), throttle (429 + Retry-After), gone (410).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
import uvicorn

from chibo_testing.tokens import signed_client
from event_contracts import CloudEvent, make_event, parse_envelope
from event_contracts.events.scoring import CriterionScore, MeetingScored
from notifications.deliveries.scheduled import senders
from notifications.deliveries.worker import DeliveryWorker
from notifications.dispatch.handlers import on_event
from notifications.email.sink import SmtpSink
from notifications.main import build_app
from notifications.settings import NotificationsSettings
from notifications.webhooks.rules import IPAddress
from notifications.webhooks.targets import Resolver
from notifications.webhooks.verify import MemoryReplayCache, Webhook, WebhookVerificationError
from org_tree.registry_client import RegistryClient
from service_kit.runtime import ServiceRuntime
from service_kit.tasks import cancel_and_wait

NO_BROKER = "amqp://guest:guest@127.0.0.1:1/"


def resolving(table: dict[str, str], default: str | None = None) -> Resolver:
    """A resolver answering from `table` (a name → one address), `default` for other names;
    tests never ask real DNS."""

    async def resolve(host: str, port: int) -> list[IPAddress]:
        found = table.get(host, default)
        if found is None:
            raise OSError(f"unknown name {host}")
        return [ipaddress.ip_address(found)]

    return resolve


# Every name is some public host (example.com's address): for tests of anything but webhooks.
PUBLIC_NAMES = resolving({}, default="93.184.215.14")


@dataclass
class Hit:
    path: str
    at: float
    headers: dict[str, str]
    body: bytes
    verified: str  # "ok" or why verification failed


@dataclass
class WebhookReceiver:
    behaviours: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, list[str]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    retry_after: str = "1"
    slow_seconds: float = 3.0
    port: int = 0
    _caches: dict[str, MemoryReplayCache] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def for_path(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path = scope["path"].strip("/")
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        verified = "no secret configured"
        if path in self.secrets:
            # A fresh replay cache per behaviour run keeps retries of a failed attempt verifiable.
            cache = self._caches.setdefault(path, MemoryReplayCache())
            hook = Webhook(self.secrets[path], replay_cache=cache)
            try:
                hook.verify(body, headers)
                verified = "ok"
            except WebhookVerificationError as exc:
                verified = f"{type(exc).__name__}: {exc}"
            if self.behaviours.get(path, "ok") != "ok":
                self._caches.pop(path, None)
        self.hits.append(Hit(path, time.monotonic(), headers, body, verified))
        behaviour = self.behaviours.get(path, "ok")
        status, extra = 204, []
        if behaviour == "ok":
            status = 204 if verified == "ok" else 401
        elif behaviour == "fail":
            status = 500
        elif behaviour == "slow":
            await asyncio.sleep(self.slow_seconds)
        elif behaviour == "throttle":
            status, extra = 429, [(b"retry-after", self.retry_after.encode())]
        elif behaviour == "gone":
            status = 410
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": b""})


@contextlib.asynccontextmanager
async def running_receiver(receiver: WebhookReceiver) -> AsyncIterator[WebhookReceiver]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    receiver.port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(receiver, log_level="warning", lifespan="off", access_log=False)
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.01)
        assert server.started, "webhook receiver did not start"
        yield receiver
    finally:
        server.should_exit = True
        server.force_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)
        sock.close()


def scored(**overrides: Any) -> MeetingScored:
    fields: dict[str, Any] = {
        "meeting_id": "meeting-1",
        "branch_id": "branch-dong-ha",
        "meeting_version": 1,
        "rubric_id": "hd42-default",
        "rubric_version": "2025.1",
        "total_points": 99,
        "max_points": 100,
        "grade": "tot",
        "criteria": [
            CriterionScore(code="C1", points=20, max_points=20),
            CriterionScore(code="C2", points=4, max_points=5),
        ],
        "aggregate_version": 1,
    }
    fields.update(overrides)
    return MeetingScored.produce(**fields)


async def wait_until(check: Any, timeout: float = 10.0, what: str = "condition") -> Any:
    """Poll an async or sync predicate every 20 ms, bounded in time."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(0.02)
    raise AssertionError(f"{what} not reached in {timeout}s; last: {last!r}")


@dataclass
class Service:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    settings: NotificationsSettings
    sink: SmtpSink

    async def contact(self, address: str, channel: str, target: str) -> dict[str, Any]:
        response = await self.client.post(
            "/v1/contact-points", json={"address": address, "channel": channel, "target": target}
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def dispatch(self, event: CloudEvent) -> None:
        """What the consumer does with an event (without the broker's inbox de-duplication)."""
        _, data = parse_envelope(event.to_json())
        async with self.runtime.uow(causation=event) as uow:
            await on_event(self.runtime.context, uow, event, data)
            await uow.commit()

    async def rows(self, model: type[Any], *where: Any) -> list[Any]:
        async with self.runtime.db.session() as session:
            return list((await session.execute(sa.select(model).where(*where))).scalars())

    def event(self, **overrides: Any) -> CloudEvent:
        return make_event(scored(**overrides), source="/services/scoring", subject="meeting-1")


def fast_settings(db_url: str, smtp_port: int, amqp_url: str = NO_BROKER, **extra: Any) -> Any:
    return NotificationsSettings(
        database_url=db_url,
        amqp_url=amqp_url,
        smtp_port=smtp_port,
        delivery_poll_seconds=0.05,
        delivery_backoff_base_seconds=0.3,
        delivery_jitter=0.2,
        delivery_max_attempts=4,
        webhook_timeout_seconds=0.5,
        smtp_timeout_seconds=2,
        outbox_poll_seconds=0.1,
        retry_delays_seconds=[0.2],
        # These tests publish about branches no tree here knows: no wait for a path.
        outbox_place_attempts=0,
        **{"webhook_allow_insecure": True, **extra},  # the receiver is on 127.0.0.1
    )


@contextlib.asynccontextmanager
async def service(
    settings: NotificationsSettings, sink: SmtpSink, registry: RegistryClient | None = None
) -> AsyncIterator[Service]:
    app = build_app(settings, registry=registry)
    runtime: ServiceRuntime = app.state.runtime
    async with signed_client(app, "http://notifications") as client:
        try:
            yield Service(client, runtime, settings, sink)
        finally:
            await runtime.db.dispose()


@contextlib.asynccontextmanager
async def worker_running(svc: Service) -> AsyncIterator[DeliveryWorker]:
    channels = senders(svc.settings)
    ctx = svc.runtime.context
    worker = DeliveryWorker(
        svc.runtime.db, svc.settings, channels, directory=ctx.directory, clock=ctx.clock
    )
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        await cancel_and_wait([task])
        for sender in channels.values():
            await sender.close()
