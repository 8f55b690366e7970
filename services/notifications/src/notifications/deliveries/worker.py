"""The delivery worker: claims due deliveries, sends them concurrently, records every attempt.

One loop per process. It claims only as many rows as it has free slots (and never more than
`per_contact_limit` in flight per contact point, so one slow receiver cannot take every slot),
pushes the claimed rows' `next_attempt_at` past the send timeout (a lease: if the process dies,
they come due again), sends outside any transaction, and writes finished attempts in batches.
A delivery routed to the registry (no contact point) first asks the directory for the e-mail of
the people it names; the registry being down is a failed attempt, retried like any other, and
finding nobody (vacant post, no e-mail on record) fails it for good, visibly and replayably.
Several replicas share the rows through `claims.claim` (SKIP LOCKED on PostgreSQL).
Delivery is at least once: a crash between send and record repeats the send with the same
webhook-id / Message-ID, which receivers use to drop the duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from prometheus_client import Counter, Histogram
from sqlalchemy.ext.asyncio import AsyncSession

from notifications.deliveries.jobs import Job, Sender
from notifications.deliveries.models import Delivery, DeliveryAttempt
from notifications.deliveries.rules import Outcome, RetryPolicy, decide
from notifications.directory.models import ContactPoint
from notifications.directory.service import CONFIGURED, Directory, deactivate
from notifications.settings import NotificationsSettings
from notifications.webhooks.service import valid_secrets
from org_tree.registry_client import RegistryUnavailable
from service_kit.claims import claim
from service_kit.clock import Clock, SystemClock
from service_kit.db import Database
from service_kit.ids import new_id
from service_kit.metrics import domain_name
from service_kit.tasks import cancel_and_wait

log = logging.getLogger(__name__)

ATTEMPTS = Counter(
    domain_name("notifications", "delivery_attempts_total"),
    "Delivery attempts by channel and result (delivered, retry, failed, gone)",
    ["channel", "outcome"],
)
ATTEMPT_DURATION = Histogram(
    domain_name("notifications", "delivery_attempt_duration_seconds"),
    "Time of one attempt",
    ["channel"],
)


@dataclass(frozen=True)
class Finished:
    job: Job
    outcome: Outcome
    started_at: datetime
    duration_seconds: float


def policy_from(settings: NotificationsSettings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.delivery_max_attempts,
        base_seconds=settings.delivery_backoff_base_seconds,
        max_seconds=settings.delivery_backoff_max_seconds,
        jitter=settings.delivery_jitter,
        retry_after_max_seconds=settings.delivery_retry_after_max_seconds,
    )


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        settings: NotificationsSettings,
        senders: Mapping[str, Sender],
        *,
        directory: Directory = CONFIGURED,
        clock: Clock | None = None,
        draw: Callable[[], float] = random.random,
        per_contact_limit: int = 4,
    ) -> None:
        self.db, self.settings, self.senders = db, settings, senders
        self.directory = directory
        self.clock: Clock = clock or SystemClock()
        self.policy = policy_from(settings)
        self.draw = draw
        self.per_contact_limit = per_contact_limit
        self._in_flight: dict[str, int] = {}
        self._sending: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._finished: list[Finished] = []
        self._wake = asyncio.Event()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def run(self) -> None:
        try:
            while True:
                try:
                    claimed = await self.step()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("delivery worker step failed; retrying after a pause")
                    claimed = 0
                if claimed == 0 or self.in_flight >= self.settings.delivery_concurrency:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(
                            self._wake.wait(), timeout=self.settings.delivery_poll_seconds
                        )
        finally:
            await cancel_and_wait(list(self._tasks))

    async def step(self) -> int:
        """Record what finished, then claim and start what is due; returns how many started."""
        await self._record_finished()
        free = self.settings.delivery_concurrency - self.in_flight
        if free <= 0:
            return 0
        jobs = await self._claim(min(free, self.settings.delivery_batch_size))
        for job in jobs:
            self._sending.add(job.delivery_id)  # until its outcome is recorded
            self._in_flight[job.lane] = self._in_flight.get(job.lane, 0) + 1
            task = asyncio.create_task(self._attempt(job), name=f"delivery-{job.delivery_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(jobs)

    async def drain(self, timeout_seconds: float = 30.0) -> None:
        """Run until nothing is due or in flight (for commands and tests), bounded in time."""
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            started = await self.step()
            if started == 0 and not self._tasks and not self._finished:
                return
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=0.05)
        raise TimeoutError("deliveries still due or in flight")

    async def _claim(self, limit: int) -> list[Job]:
        now = self.clock.now()
        lease_until = now + timedelta(seconds=self.settings.delivery_lease_seconds)
        saturated = [c for c, n in self._in_flight.items() if n >= self.per_contact_limit]
        conditions = [Delivery.status == "pending", Delivery.next_attempt_at <= now]
        if self._sending:
            # A lease that ran out while this process still sends (a slow receiver, a busy
            # machine) must not start a second attempt of the same delivery here.
            conditions.append(Delivery.id.notin_(self._sending))
        if saturated:
            lane = sa.func.coalesce(Delivery.contact_point_id, Delivery.recipient)
            conditions.append(lane.notin_(saturated))
        async with self.db.transaction() as session:
            rows = await claim(
                session,
                Delivery,
                *conditions,
                order_by=[Delivery.next_attempt_at],
                limit=limit,
            )
            if not rows:
                return []
            contact_ids = list({r.contact_point_id for r in rows if r.contact_point_id})
            contacts = {
                c.id: c
                for c in (
                    await session.execute(
                        sa.select(ContactPoint).where(ContactPoint.id.in_(contact_ids))
                    )
                ).scalars()
            }
            secrets = await valid_secrets(
                session, [c for c in contact_ids if contacts[c].channel == "webhook"], now
            )
            jobs: list[Job] = []
            for row in rows:
                contact = contacts[row.contact_point_id] if row.contact_point_id else None
                if contact is not None and not contact.active:
                    row.status = "failed"
                    row.last_error = "điểm nhận đã bị vô hiệu hóa: " + (
                        contact.deactivation_reason or ""
                    )
                    continue
                job = Job(
                    delivery_id=row.id,
                    channel=row.channel,
                    recipient=row.recipient,
                    contact_point_id=row.contact_point_id,
                    target=contact.target if contact is not None else "",
                    subject=row.subject,
                    body=row.body,
                    secrets=tuple(secrets.get(contact.id, ())) if contact is not None else (),
                )
                per_lane = sum(1 for j in jobs if j.lane == job.lane)
                if per_lane + self._in_flight.get(job.lane, 0) >= self.per_contact_limit:
                    continue  # stays due; taken on a later step
                row.attempts += 1
                row.next_attempt_at = lease_until
                jobs.append(job)
        return jobs

    async def _send(self, job: Job) -> tuple[Job, Outcome]:
        """One attempt; a delivery routed to the registry learns its addresses first."""
        if job.contact_point_id is None:
            try:
                emails = await self.directory.emails(job.recipient)
            except RegistryUnavailable as exc:
                return job, Outcome(ok=False, error=f"registry: {exc}"[:500])
            if not emails:
                error = "registry không có địa chỉ thư điện tử của người nhận này"
                return job, Outcome(ok=False, error=error, permanent=True)
            job = replace(job, target=", ".join(emails))
        return job, await self.senders[job.channel].send(job)

    async def _attempt(self, job: Job) -> None:
        started_at, started = self.clock.now(), time.perf_counter()
        try:
            job, outcome = await self._send(job)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("sender failed", extra={"delivery_id": job.delivery_id})
            outcome = Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:500])
        duration = time.perf_counter() - started
        ATTEMPT_DURATION.labels(job.channel).observe(duration)
        self._finished.append(Finished(job, outcome, started_at, duration))
        left = self._in_flight.get(job.lane, 1) - 1
        if left > 0:
            self._in_flight[job.lane] = left
        else:
            self._in_flight.pop(job.lane, None)
        self._wake.set()

    async def _record_finished(self) -> None:
        if not self._finished:
            return
        batch, self._finished = self._finished, []
        now = self.clock.now()
        async with self.db.transaction() as session:
            for done in batch:
                await self._record(session, done, now)
        self._sending.difference_update(done.job.delivery_id for done in batch)

    async def _record(self, session: AsyncSession, done: Finished, now: datetime) -> None:
        row = await session.get(Delivery, done.job.delivery_id)
        if row is None:
            return
        decision = decide(self.policy, row.attempts, done.outcome, self.draw())
        next_at = now + timedelta(seconds=decision.delay_seconds)
        session.add(
            DeliveryAttempt(
                id=new_id(),
                delivery_id=row.id,
                started_at=done.started_at,
                duration_ms=round(done.duration_seconds * 1000, 1),
                outcome=decision.kind,
                status_code=done.outcome.status_code,
                error=done.outcome.error,
                next_attempt_at=next_at if decision.kind == "retry" else None,
            )
        )
        ATTEMPTS.labels(row.channel, decision.kind).inc()
        row.last_status_code = done.outcome.status_code
        row.last_error = done.outcome.error
        row.target = done.job.target or row.target
        if decision.kind == "delivered":
            row.status, row.delivered_at = "delivered", now
        elif decision.kind == "retry":
            row.next_attempt_at = next_at
        else:
            row.status = "failed"
            if decision.kind == "gone" and row.contact_point_id:
                contact = await session.get(ContactPoint, row.contact_point_id)
                if contact is not None:
                    deactivate(contact, "webhook trả lời 410 Gone", now)
                    log.warning("webhook deactivated after 410", extra={"contact": contact.id})
