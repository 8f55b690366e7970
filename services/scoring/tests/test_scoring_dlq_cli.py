"""Operators' DLQ commands against the real scoring process and a real broker."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import aio_pika
import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from chibo_stack import stack, wait_for  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.broker, pytest.mark.slow]
QUEUE = "scoring.meeting-events"


async def publish_bad(amqp_url: str) -> None:
    body = {
        "specversion": "1.0",
        "id": "bad-1",
        "source": "/tests",
        "time": "2026-11-01T00:00:00Z",
        "type": "vn.chibo.meetings.meeting.submitted.v1",
        "data": {"aggregate_version": 1},
    }
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel(publisher_confirms=True)
        exchange = await channel.get_exchange("events")
        await exchange.publish(
            aio_pika.Message(json.dumps(body).encode(), message_id="bad-1"),
            routing_key="meetings.meeting.submitted.v1",
        )


def cli(amqp_url: str, *args: str) -> str:
    env = {**os.environ, "SCORING_AMQP_URL": amqp_url, "SCORING_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "dlq", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def dead_letters(metrics_url: str) -> float:
    for line in httpx.get(metrics_url, timeout=10).text.splitlines():
        if line.startswith("chibo_events_consumed_total") and 'outcome="dead_letter"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_dlq_list_and_replay_commands(amqp_url: str, tmp_path: Path) -> None:
    with stack(amqp_url, tmp_path, names=("scoring",)) as svc:
        metrics = f"{svc['scoring'].url}/metrics"
        asyncio.run(publish_bad(amqp_url))
        wait_for(lambda: dead_letters(metrics), lambda n: n == 1, what="first dead letter")
        listed = wait_for(
            lambda: cli(amqp_url, "list", QUEUE),
            lambda out: "bad-1" in out,
            what="dead letter listed",
        )
        assert "rejected" in listed
        assert "replayed 1 message(s)" in cli(amqp_url, "replay", QUEUE)
        # Back in its queue, the consumer sees it again (and, still invalid, dead-letters it).
        wait_for(lambda: dead_letters(metrics), lambda n: n == 2, what="replayed delivery")
        assert "bad-1" in cli(amqp_url, "list", QUEUE)
