"""Missed meetings: each branch owes a regular meeting a month; the sweep notices, once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from meetings_factories import seed_tree, submission

from chibo_testing.plugin import migrated
from chibo_testing.tokens import signed_client
from event_contracts.events.registry import OrganisationRegistered
from meetings.main import MIGRATIONS, build_app
from meetings.policy import load_meeting_rules
from meetings.schedules import rules
from meetings.schedules.scheduled import sweep_once
from meetings.settings import MeetingsSettings
from org_tree.replica import apply_registered
from service_kit.clock import FrozenClock
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime


def test_due_is_end_of_window_plus_grace_in_vietnam_time() -> None:
    national = load_meeting_rules().in_force(date(2026, 11, 1))
    assert national.missed_grace_days == 5 and national.window(None) == (1, 5)
    assert rules.due_at("2026-11", (1, 5), 5) == datetime(2026, 11, 10, 17, tzinfo=UTC)
    assert rules.due_at("2026-02", (25, 31), 5) == datetime(2026, 3, 5, 17, tzinfo=UTC)


@pytest.fixture
async def runtime(db_url: str) -> AsyncIterator[ServiceRuntime]:
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    app = build_app(
        MeetingsSettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")
    )  # type: ignore[arg-type]
    rt: ServiceRuntime = app.state.runtime
    async with rt.uow() as uow:
        await seed_tree(uow)
        await apply_registered(
            uow.session,
            OrganisationRegistered.produce(
                aggregate_version=1,
                organisation_id="branch-tay-ha",
                code="TH",
                name="Chi bộ Tây Hà",
                kind="grassroots_branch",
                parent_id="xa-thach-ngoc",
                valid_from=date(2020, 1, 1),
                meeting_day_from=4,
                meeting_day_to=4,
            ),
        )
        await uow.commit()
    rt.app = app  # type: ignore[attr-defined]
    yield rt
    await rt.db.dispose()


async def missed(rt: ServiceRuntime) -> list[dict]:  # type: ignore[type-arg]
    async with rt.db.session() as session:
        rows = (
            await session.execute(
                sa.select(OutboxEvent.payload).where(
                    OutboxEvent.routing_key == "meetings.meeting.missed.v1"
                )
            )
        ).scalars()
        return [json.loads(r)["data"] for r in rows]


async def test_a_branch_without_a_meeting_is_missed_once(runtime: ServiceRuntime) -> None:

    clock = FrozenClock(datetime(2026, 11, 3, 12, tzinfo=UTC))
    runtime.clock = clock
    async with signed_client(runtime.app, "http://m") as client:  # type: ignore[attr-defined]
        r = await client.post("/v1/meetings", json=submission(), headers={"Idempotency-Key": "k"})
        assert r.status_code == 201, r.text
    assert await sweep_once(runtime.context) == 0  # nothing due yet; expectations created
    clock.set(datetime(2026, 11, 9, 16, 59, tzinfo=UTC))  # Tây Hà: day 4 + 5 days grace
    assert await sweep_once(runtime.context) == 0
    clock.set(datetime(2026, 11, 9, 17, 0, tzinfo=UTC))
    assert await sweep_once(runtime.context) == 1
    assert await sweep_once(runtime.context) == 0
    (event,) = await missed(runtime)
    assert event["branch_id"] == "branch-tay-ha" and event["period"] == "2026-11"
    clock.set(datetime(2026, 11, 30, tzinfo=UTC))  # Đông Hà met its month: never missed
    assert await sweep_once(runtime.context) == 0
    assert [e["branch_id"] for e in await missed(runtime)] == ["branch-tay-ha"]
