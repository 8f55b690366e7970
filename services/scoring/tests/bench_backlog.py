"""Scores per second from a backlog of submitted meetings through the consumer's own path.

    .venv/bin/python services/scoring/tests/bench_backlog.py 10000 [--batch 50]

Each queued body is parsed and applied by `Consumer._apply` (inbox row, handler: score, roll
facts, detectors, outbox row; commit) on SQLite (WAL, synchronous=FULL); only the AMQP
delivery and ack are left out. `--batch K` applies K events per transaction instead, which is
what batching in the consumer (service_kit, not scoring) would give.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scoring_factories import ALL_STEPS, envelope, facts, scoring_app

from event_contracts import parse_envelope
from event_contracts.events.meetings import RollEntry
from service_kit.inbox import record_once


def backlog(n: int) -> list[bytes]:
    """n meetings: branches of 20 members, one meeting a month, a few unexcused absences."""
    rng = random.Random(1)
    out = []
    for i in range(n):
        branch, month = divmod(i, 12)
        roll = [
            RollEntry(
                member_id=f"b{branch}-m{k}",
                attendance="unexcused" if rng.random() < 0.01 else "present",
            )
            for k in range(20)
        ]
        data = facts(
            meeting_id=f"bench-{i}",
            branch_id=f"b{branch}",
            held_on=date(2026, month + 1, rng.randint(3, 12)),
            roll=roll,
            speaker_ids=[f"b{branch}-m{k}" for k in range(11)],
            agenda_steps_completed=ALL_STEPS,
        )
        out.append(envelope(data).to_json())
    return out


async def run(n: int, batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = await scoring_app(f"sqlite+aiosqlite:///{tmp}/bench.db")
        runtime = app.state.runtime
        consumer = runtime.consumers[0]
        bodies = backlog(n)
        started = time.perf_counter()
        if batch <= 1:
            for body in bodies:
                event, data = parse_envelope(body)
                handler = consumer.subscription.handlers[event.routing_key]
                assert await consumer._apply(handler, event, data) == "ack"
        else:
            for at in range(0, n, batch):
                async with runtime.uow() as uow:
                    for body in bodies[at : at + batch]:
                        event, data = parse_envelope(body)
                        handler = consumer.subscription.handlers[event.routing_key]
                        await record_once(
                            uow.session,
                            consumer=consumer.queue_name,
                            source=event.source,
                            event_id=event.id,
                            event_type=event.type,
                        )
                        await handler(runtime.context, uow, event, data)
                    await uow.commit()
        elapsed = time.perf_counter() - started
        await runtime.db.dispose()
        print(
            f"{n} meetings, {batch} per transaction: {elapsed:.1f} s = {n / elapsed:.0f} scores/s"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(run(args.n, args.batch))
