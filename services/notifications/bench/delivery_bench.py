"""Webhook deliveries per second: the notifications service's delivery worker sending N queued
signed webhooks to a local receiver, against plain httpx POSTs of the same signed bodies to the
same receiver with the same concurrency, measured in the same run.

    .venv/bin/python services/notifications/bench/delivery_bench.py --deliveries 10000
    .venv/bin/python services/notifications/bench/delivery_bench.py --deliveries 1000 \
        --database postgres

Set-up (not timed): the receiver, a bare ASGI app under uvicorn in a subprocess on 127.0.0.1
(answers 200 with no body; checks every signature with the helper shipped for agencies,
`notifications.webhooks.verify`, and counts); `--subscribers` agencies registered as webhook
contact points through `POST /v1/contact-points` (the target check allows loopback because
`webhook_allow_insecure` — development mode, as the tests run — is on; each gets its `whsec_`
secret); N/subscribers `MeetingScored` events, each fanned out to every subscriber by the
dispatcher's `place` (the pending delivery rows as the consumer writes them).

Timed:
- baseline: `--concurrency` (the service's `delivery_concurrency`, 16) callers of one plain
  `httpx.AsyncClient`, each taking the next delivery, signing its body (Standard Webhooks
  headers, same id, same secrets) and POSTing it; per-POST latency;
- deliver: the service's background task `deliveries.scheduled.deliver` — the worker claims due
  rows, leases them, sends through the guarded transport, writes an attempt row and the
  delivery's outcome — until every delivery is recorded as delivered; latency = each attempt's
  `duration_ms` as recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from notifications_servers import scored

from chibo_testing.tokens import signed_client
from event_contracts import make_event
from notifications.agencies.service import address
from notifications.deliveries.jobs import Job
from notifications.deliveries.models import Delivery, DeliveryAttempt
from notifications.deliveries.scheduled import deliver
from notifications.directory.models import ContactPoint
from notifications.dispatch.service import Message, Planned, place
from notifications.main import MIGRATIONS, build_app
from notifications.rules.schemas import FatiguePolicy
from notifications.settings import NotificationsSettings
from notifications.webhooks.sender import signed_headers
from notifications.webhooks.service import valid_secrets
from service_kit import migrations
from service_kit.runtime import ServiceRuntime
from service_kit.tasks import cancel_and_wait

NO_BROKER = "amqp://guest:guest@127.0.0.1:1/"
QUEUE_CHUNK = 500  # messages placed per unit of work while queueing


# --- the receiver (a subprocess: webhook_receiver.py) ---------------------------------------


@contextlib.asynccontextmanager
async def receiver_process() -> AsyncIterator[str]:
    """The receiver's base URL, http://127.0.0.1:<port>."""
    receiver = Path(__file__).with_name("webhook_receiver.py")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(receiver), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        port = int(await asyncio.wait_for(proc.stdout.readline(), 120))
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, trust_env=False) as client:
            for _ in range(100):
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get("/_stats")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("the webhook receiver did not answer")
        yield base
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.kill()
                await proc.wait()


# --- set-up ---------------------------------------------------------------------------------


async def subscribe(app: Any, base: str, count: int) -> dict[str, str]:
    """`count` agencies with a webhook contact point each, as an operator adds them (the target
    check included); returns path → secret."""
    secrets: dict[str, str] = {}
    async with signed_client(app, "http://notifications") as client:
        for k in range(count):
            path = f"so-ban-nganh-{k + 1:02d}"
            response = await client.post(
                "/v1/contact-points",
                json={"address": address(path), "channel": "webhook", "target": f"{base}/{path}"},
            )
            assert response.status_code == 201, response.text
            secrets[path] = response.json()["secret"]
    return secrets


async def queue(runtime: ServiceRuntime, deliveries: int, paths: list[str]) -> int:
    """One `MeetingScored` per `len(paths)` deliveries, each placed for every subscriber as the
    dispatcher places an agency's webhook (route lookup, then the pending row)."""
    ctx = runtime.context
    events = -(-deliveries // len(paths))
    messages: list[Message] = []
    for n in range(events):
        event = make_event(
            scored(meeting_id=f"bench-m{n:06d}", branch_id=f"branch-{n % 400:03d}"),
            source="/services/scoring",
            subject=f"meetings/bench-m{n:06d}",
        )
        body = event.to_json().decode()
        for path in paths:
            if len(messages) == deliveries:
                break
            messages.append(
                Message(
                    event_id=event.id,
                    event_type=event.type,
                    recipient=address(path),
                    channel="webhook",
                    urgency="routine",
                    delivery="immediate",
                    rule_id="agency-subscription",
                    rule_set_version=0,
                    subject="",
                    body=body,
                )
            )
    planned = Planned()
    for start in range(0, len(messages), QUEUE_CHUNK):
        async with runtime.uow() as uow:
            for message in messages[start : start + QUEUE_CHUNK]:
                await place(uow, message, ctx.directory, FatiguePolicy(), planned)
            await uow.commit()
    return planned.deliveries


async def jobs_of(runtime: ServiceRuntime) -> list[Job]:
    """The queued deliveries as the worker will send them (target, body, secrets)."""
    async with runtime.db.session() as session:
        contacts = {c.id: c for c in (await session.execute(sa.select(ContactPoint))).scalars()}
        secrets = await valid_secrets(session, list(contacts), runtime.clock.now())
        rows = (
            await session.execute(sa.select(Delivery).order_by(Delivery.next_attempt_at))
        ).scalars()
        return [
            Job(
                delivery_id=r.id,
                channel=r.channel,
                recipient=r.recipient,
                contact_point_id=r.contact_point_id,
                target=contacts[r.contact_point_id or ""].target,
                subject=r.subject,
                body=r.body,
                secrets=tuple(secrets[r.contact_point_id or ""]),
            )
            for r in rows
        ]


# --- the two timed runs ---------------------------------------------------------------------


async def baseline(jobs: list[Job], concurrency: int, timeout: float) -> tuple[float, list[float]]:
    todo = list(reversed(jobs))
    latencies: list[float] = []

    async def caller(client: httpx.AsyncClient) -> None:
        while todo:
            job = todo.pop()
            t0 = time.perf_counter()
            headers = signed_headers(job, int(time.time()))
            response = await client.post(job.target, content=job.body.encode(), headers=headers)
            latencies.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code

    async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
        started = time.perf_counter()
        await asyncio.gather(*(caller(client) for _ in range(concurrency)))
        return time.perf_counter() - started, latencies


async def delivered(runtime: ServiceRuntime) -> tuple[int, int]:
    async with runtime.db.session() as session:
        counts = dict(
            (
                await session.execute(
                    sa.select(Delivery.status, sa.func.count()).group_by(Delivery.status)
                )
            ).all()
        )
    return counts.get("delivered", 0), counts.get("failed", 0)


async def real(runtime: ServiceRuntime, n: int, limit_seconds: float) -> tuple[float, list[float]]:
    """The service's delivery task until every row is recorded delivered (polled every 50 ms)."""
    started = time.perf_counter()
    task = asyncio.create_task(deliver(runtime.context), name="deliver")
    try:
        while True:
            done, failed = await delivered(runtime)
            elapsed = time.perf_counter() - started
            if done == n:
                break
            if failed or task.done() or elapsed > limit_seconds:
                raise RuntimeError(f"{done} delivered, {failed} failed after {elapsed:.0f}s")
            await asyncio.sleep(0.05)
    finally:
        await cancel_and_wait([task])
    async with runtime.db.session() as session:
        durations = (await session.execute(sa.select(DeliveryAttempt.duration_ms))).scalars()
        latencies = [d / 1000 for d in durations]
    assert len(latencies) == n, f"{len(latencies)} attempts for {n} deliveries (retries?)"
    return elapsed, latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def stats(base: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, trust_env=False) as client:
        found: dict[str, Any] = (await client.get("/_stats")).json()
        return found


async def reset(base: str, secrets: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=base, trust_env=False) as client:
        body = {path: [secret] for path, secret in secrets.items()}
        assert (await client.post("/_secrets", json=body)).status_code == 204


async def run(n: int, subscribers: int, url: str) -> None:
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    settings = NotificationsSettings(
        database_url=url,
        amqp_url=NO_BROKER,
        mode="development",  # as make run and the tests: loopback webhook targets allowed
        webhook_allow_insecure=True,  # the receiver is on 127.0.0.1
    )
    app = build_app(settings)
    runtime: ServiceRuntime = app.state.runtime
    concurrency = settings.delivery_concurrency
    try:
        async with receiver_process() as base:
            secrets = await subscribe(app, base, subscribers)
            t0 = time.perf_counter()
            queued = await queue(runtime, n, list(secrets))
            assert queued == n, queued
            print(f"queued {n:,} deliveries in {time.perf_counter() - t0:.1f}s", flush=True)
            jobs = await jobs_of(runtime)
            timeout = settings.webhook_timeout_seconds

            await reset(base, secrets)
            base_seconds, base_latencies = await baseline(jobs, concurrency, timeout)
            got = await stats(base)
            assert got["verified"] == n, got
            print(f"baseline: {n:,} POSTs in {base_seconds:.2f}s", flush=True)

            await reset(base, secrets)
            seconds, latencies = await real(runtime, n, limit_seconds=max(120.0, n / 10))
            got = await stats(base)
            assert got["received"] == n and got["verified"] == n, got
            print(f"deliver: {n:,} deliveries in {seconds:.2f}s", flush=True)
    finally:
        runtime.context.renderer.close()
        await runtime.db.dispose()
    base_rate, rate = n / base_seconds, n / seconds
    database = url.split(":")[0].split("+")[0]
    print(
        f"{database}: {n:,} webhooks to {subscribers} subscribers on loopback, "
        f"concurrency {concurrency} (per subscriber at most 4 in flight)"
    )
    print(
        f"baseline (plain httpx POSTs of the signed bodies): {base_rate:,.0f} POSTs/s, "
        f"p50 {percentile(base_latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(base_latencies, 0.99) * 1000:.1f} ms"
    )
    print(
        f"delivery worker (claim, sign, POST, attempt + outcome written): {rate:,.0f} "
        f"deliveries/s ({rate / base_rate:.2f}x baseline), "
        f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms"
    )


def main(n: int, subscribers: int, database: str) -> None:
    if database == "postgres":
        from chibo_testing.servers import get_postgres

        pg = get_postgres()
        name = f"bench_{uuid.uuid4().hex[:10]}"
        try:
            asyncio.run(run(n, subscribers, pg.new_database(name)))
        finally:
            pg.drop_database(name)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(run(n, subscribers, f"sqlite+aiosqlite:///{tmp}/notifications.db"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--subscribers", type=int, default=8)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    main(args.deliveries, args.subscribers, args.database)
