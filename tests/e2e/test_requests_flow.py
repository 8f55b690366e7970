"""End to end with real processes: organisations registered in the registry reach the meetings
replica; a meeting with two requests is scored and raises them; moving the clock escalates."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import pytest
from chibo_stack import PROVINCE_CODE, get_json, sign_in, stack, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "meetings" / "tests"))
from meetings_factories import request, submission

pytestmark = [pytest.mark.e2e, pytest.mark.broker, pytest.mark.slow]


async def watch(
    amqp_url: str, seen: list[dict[str, Any]], ready: asyncio.Event, stop: asyncio.Event
) -> None:
    conn = await aio_pika.connect(amqp_url)
    async with conn:
        channel = await conn.channel()
        exchange = await channel.declare_exchange("events", "topic", durable=True)
        queue = await channel.declare_queue("", exclusive=True)
        await queue.bind(exchange, "meetings.request.#")
        await queue.bind(exchange, "scoring.meeting.scored.v1.#")  # the branch path follows

        async def keep(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                # The routing key as published, beside the CloudEvent (never part of it).
                seen.append({**json.loads(message.body), "_key": message.routing_key})

        await queue.consume(keep)
        ready.set()
        await stop.wait()


def register(client: httpx.Client, registry: str, code: str, kind: str, parent: str | None) -> str:
    r = client.post(
        f"{registry}/v1/organisations",
        headers={"Idempotency-Key": f"org-{code}"},
        json={
            "code": code,
            "name": f"Tổ chức {code}",
            "kind": kind,
            "parent_id": parent,
            "valid_from": "2025-07-01",
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_requests_are_raised_scored_and_escalated(amqp_url: str, tmp_path: Path) -> None:
    clock_file = tmp_path / "clock-offset"
    clock_file.write_text("0")
    env = {"MEETINGS_CLOCK_OFFSET_FILE": str(clock_file), "MEETINGS_SWEEP_INTERVAL_SECONDS": "0.5"}
    seen: list[dict[str, Any]] = []
    loop = asyncio.new_event_loop()
    ready, stop = asyncio.Event(), asyncio.Event()
    import threading

    watcher = threading.Thread(
        target=loop.run_until_complete, args=(watch(amqp_url, seen, ready, stop),), daemon=True
    )
    watcher.start()
    with (
        stack(
            amqp_url,
            tmp_path,
            names=("registry", "meetings", "scoring"),
            extra_env=env,
            hold_unplaced=True,
        ) as svc,
        httpx.Client(timeout=10) as client,
    ):
        registry, meetings = svc["registry"].url, svc["meetings"].url
        auth = sign_in(svc)
        client.headers.update(auth)
        orgs = client.get(f"{registry}/v1/organisations").json()["items"]
        province = next(o["id"] for o in orgs if o["code"] == PROVINCE_CODE)
        commune = register(client, registry, "HT.TN", "commune", province)
        branch = register(client, registry, "HT.TN.01", "grassroots_branch", commune)

        # Vietnam time: held_on is the meeting's date there, whatever the machine's zone/hour.
        now = datetime.now(timezone(timedelta(hours=7)))
        start = now - timedelta(hours=3)
        body = submission(
            branch_id=branch,
            held_on=start.date().isoformat(),
            started_at=start.isoformat(),
            ended_at=(start + timedelta(hours=2)).isoformat(),
            requests_raised=[request(commune), request(commune, subject="Nước")],
        )

        def submit() -> httpx.Response:
            return client.post(
                f"{meetings}/v1/meetings", json=body, headers={"Idempotency-Key": "e2e-requests"}
            )

        # Scoring's replica may not have the branch yet when the meeting arrives (the
        # registry's queue and the meetings' one race): its relay holds `meeting.scored` until
        # it can place it, so the event below still carries the full path.
        # The replica catches up with the registry through events: until then, a clear 422.
        response = wait_for(submit, lambda r: r.status_code == 201, what="replica caught up")
        meeting_id = response.json()["id"]
        wait_for(
            lambda: [e for e in seen if e["type"].endswith("request.raised.v1")],
            lambda found: len(found) == 2,
            what="two request.raised events",
        )
        wait_for(
            lambda: get_json(f"{svc['scoring'].url}/v1/meeting-scores/{meeting_id}", auth),
            lambda s: s is not None,
            what="meeting scored",
        )

        clock_file.write_text(str(timedelta(days=40).total_seconds()))  # past every deadline
        escalated = wait_for(
            lambda: [e for e in seen if e["type"].endswith("request.escalated.v1")],
            lambda found: len(found) == 2,
            what="both requests escalated",
        )
        assert {e["data"]["level_organisation_id"] for e in escalated} == {province}
        # Public events leave with their branch's path from the province down (meetings' relay
        # placed them in its replica), so an agency can be bound to a subtree.
        path = f"{province}.{commune}.{branch}"
        assert {e["_key"] for e in escalated} == {f"meetings.request.escalated.v1.{path}"}
        scored = [e for e in seen if e["type"].endswith("meeting.scored.v1")]
        assert {e["_key"] for e in scored} == {f"scoring.meeting.scored.v1.{path}"}
        assert {e["data"]["from_level_organisation_id"] for e in escalated} == {commune}
        listed = client.get(f"{meetings}/v1/requests?level_organisation_id={province}").json()
        assert len(listed["items"]) == 2
        metrics = wait_for(
            lambda: client.get(f"{meetings}/metrics").text,
            lambda text: 'chibo_meetings_requests_open{level="1"} 2.0' in text,
            what="open requests by level on /metrics",
        )
        assert 'chibo_meetings_requests_escalated_total{level="1"} 2.0' in metrics
    loop.call_soon_threadsafe(stop.set)
    watcher.join(10)
