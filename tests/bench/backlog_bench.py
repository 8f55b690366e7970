"""Scoring a backlog: N submitted meetings (40-member rolls) wait in the queue while scoring is
down; scoring starts and we time how fast it drains them (through the real consumer path:
inbox, handler, score rows, outbox). Baseline in the same run: how fast the broker accepted the
same N messages (pipelined confirms).

    .venv/bin/python tests/bench/backlog_bench.py --meetings 10000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aio_pika
import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "e2e"), str(ROOT / "libs" / "service_kit" / "tests")]
from chibo_stack import stack  # noqa: E402
from kit_helpers import submitted  # noqa: E402

from chibo_testing.servers import get_broker  # noqa: E402
from event_contracts import make_event  # noqa: E402
from event_contracts.events.meetings import RollEntry  # noqa: E402


def backlog(n: int) -> list[bytes]:
    roll = [RollEntry(member_id=f"m{i:03d}", attendance="present") for i in range(40)]
    bodies = []
    for i in range(n):
        data = submitted(f"mt-{i:07d}").model_copy(
            update={"roll": roll, "branch_id": f"b{i % 500}"}
        )
        bodies.append(make_event(data, source="/bench", subject=f"meetings/mt-{i}").to_json())
    return bodies


async def publish(amqp_url: str, bodies: list[bytes]) -> float:
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel(publisher_confirms=True)
        exchange = await channel.get_exchange("events")
        started = time.perf_counter()
        for i in range(0, len(bodies), 500):
            await asyncio.gather(
                *(
                    exchange.publish(
                        aio_pika.Message(b, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                        routing_key="meetings.meeting.submitted.v1",
                    )
                    for b in bodies[i : i + 500]
                )
            )
        return time.perf_counter() - started


def acked(metrics_url: str) -> float:
    for line in httpx.get(metrics_url, timeout=10).text.splitlines():
        if line.startswith("chibo_events_consumed_total") and 'outcome="ack"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=10_000)
    args = parser.parse_args()
    n = args.meetings
    bodies = backlog(n)
    broker = get_broker()
    vhost = f"backlog-{uuid.uuid4().hex[:8]}"
    amqp_url = broker.new_vhost(vhost)
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            stack(amqp_url, Path(tmp), names=("scoring",)) as svc,
        ):
            scoring = svc["scoring"]
            scoring.stop()  # the queue exists; now fill it while scoring is down
            publish_s = asyncio.run(publish(amqp_url, bodies))
            started = time.perf_counter()
            scoring.start()
            scoring.wait_ready(60)
            deadline = time.monotonic() + 3600
            while acked(f"{scoring.url}/metrics") < n and time.monotonic() < deadline:
                time.sleep(0.5)
            drain_s = time.perf_counter() - started
    finally:
        broker.delete_vhost(vhost)
    print(f"backlog of {n:,} submitted meetings (40-member rolls), scoring on SQLite")
    print(f"baseline, broker accepting them: {n / publish_s:,.0f} msg/s")
    print(
        f"scoring drained them in {drain_s:.1f}s (incl. start-up) = {n / drain_s:,.0f} scores/s "
        f"({(n / drain_s) / (n / publish_s):.2f}x the baseline)"
    )


if __name__ == "__main__":
    main()
