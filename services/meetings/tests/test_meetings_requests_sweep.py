"""The request sweep killed halfway, on SQLite and PostgreSQL: each request is either fully
processed (new level, action recorded, timeline entry, event) or untouched, and the next sweep
finishes the rest, each escalation once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from meetings_factories import seed_tree

from chibo_testing.plugin import migrated
from meetings.main import MIGRATIONS, build_app
from meetings.requests import scheduled
from meetings.requests.batch import BatchWrites, DueRequest
from meetings.requests.models import Request, RequestActionDone, RequestTimelineEntry
from meetings.requests.schemas import RequestIn
from meetings.requests.service import raise_requests
from meetings.settings import MeetingsSettings
from service_kit.clock import FrozenClock
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
N = scheduled.BATCH + 30  # two batches


@pytest.fixture
async def runtime(db_url: str) -> AsyncIterator[ServiceRuntime]:
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    app = build_app(
        MeetingsSettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")
    )  # type: ignore[arg-type]
    rt: ServiceRuntime = app.state.runtime
    rt.clock = FrozenClock(START)
    async with rt.uow() as uow:
        await seed_tree(uow)
        await raise_requests(
            uow,
            meeting_id=None,
            branch_id="branch-dong-ha",
            requests=[
                RequestIn(subject=f"Kiến nghị {i}", text="…", addressee_id="xa-thach-ngoc")
                for i in range(N)
            ],
            now=START,
            rules=rt.context.request_rules,
        )
        await uow.commit()
    yield rt
    await rt.db.dispose()


async def outcome(rt: ServiceRuntime) -> dict[str, tuple[Any, ...]]:
    """Per request: (level, version, actions done, escalated entries, escalation events)."""
    async with rt.db.session() as session:
        requests = (await session.execute(sa.select(Request))).scalars().all()
        done = (await session.execute(sa.select(RequestActionDone.request_id))).scalars().all()
        entries = (
            await session.execute(
                sa.select(RequestTimelineEntry.request_id).where(
                    RequestTimelineEntry.kind == "escalated"
                )
            )
        ).scalars()
        payloads = (
            await session.execute(
                sa.select(OutboxEvent.payload).where(
                    OutboxEvent.routing_key == "meetings.request.escalated.v1"
                )
            )
        ).scalars()
        events = [json.loads(p)["data"]["request_id"] for p in payloads]
        escalated = list(entries)
    return {
        r.id: (r.level, r.version, done.count(r.id), escalated.count(r.id), events.count(r.id))
        for r in requests
    }


async def test_a_sweep_killed_halfway_leaves_each_request_whole_or_untouched(
    runtime: ServiceRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime.clock = FrozenClock(START + timedelta(days=40))  # past both deadlines
    save = BatchWrites.save
    batches = 0

    async def dies_in_the_second_batch(self: BatchWrites, rows: list[DueRequest]) -> None:
        nonlocal batches
        batches += 1
        await save(self, rows)  # its statements sent, its transaction not committed
        if batches == 2:
            raise RuntimeError("killed")

    monkeypatch.setattr(BatchWrites, "save", dies_in_the_second_batch)
    with pytest.raises(RuntimeError, match="killed"):
        await scheduled.sweep_once(runtime.context)
    after_crash = await outcome(runtime)
    whole, untouched = (1, 2, 1, 1, 1), (0, 1, 0, 0, 0)
    assert sorted(after_crash.values()).count(whole) == scheduled.BATCH
    assert sorted(after_crash.values()).count(untouched) == N - scheduled.BATCH

    monkeypatch.setattr(BatchWrites, "save", save)
    assert await scheduled.sweep_once(runtime.context) == N - scheduled.BATCH
    assert set((await outcome(runtime)).values()) == {whole}
    assert await scheduled.sweep_once(runtime.context) == 0  # each escalation once
    assert set((await outcome(runtime)).values()) == {whole}
