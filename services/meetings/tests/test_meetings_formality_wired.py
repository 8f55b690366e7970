"""The formality signals wired (#14): after a meeting is submitted or amended, meetings reads it
with the branch's earlier months and announces the signals to scoring. Copying last month's
minutes raises `minutes_repeated`; an honest new record does not; names stay off the bus."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from meetings_factories import meetings_api, submission
from meetings_signals_corpus import Habits, branch_year, make_branch

from chibo_testing.tokens import bearer
from event_contracts.events.meetings import MeetingSubmitted
from meetings.signals.handlers import on_meeting_recorded
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

PROVINCE = bearer("tinh-ha-tinh", "province", subject="bi-thu")
_keys = iter(range(1_000_000))


def headers() -> dict[str, str]:
    return {**PROVINCE, "Idempotency-Key": f"formality-{next(_keys)}"}


ASSESSED = "meetings.meeting.formality_assessed.v1"


def honest_months() -> list[tuple[str, str]]:
    """(minutes, resolution) of two consecutive honest months of one generated branch."""
    rng = random.Random(14)
    habits = Habits(copies=0.0, vague=0.0, unnamed=0.0, frozen_roll=False, diligence=0.9)
    year = branch_year(rng, make_branch(rng, 0), habits)
    return [(m.record.minutes, m.record.resolution) for m in year[:2]]


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    async with meetings_api(db_url, now=datetime(2026, 11, 20, 3, tzinfo=UTC)) as found:
        yield found


def day(iso: str, **overrides: Any) -> dict[str, Any]:
    return submission(
        held_on=iso,
        started_at=f"{iso}T19:30:00+07:00",
        ended_at=f"{iso}T21:10:00+07:00",
        **overrides,
    )


async def outbox(rt: ServiceRuntime, key: str) -> list[dict[str, Any]]:
    async with rt.db.session() as session:
        rows = await session.execute(
            sa.select(OutboxEvent.payload)
            .where(OutboxEvent.routing_key == key)
            .order_by(OutboxEvent.id)
        )
        return [json.loads(p)["data"] for p in rows.scalars()]


async def run_handler(rt: ServiceRuntime) -> None:
    """What the `meetings.formality` queue does with every submitted/amended event not yet run."""
    done = {(a["meeting_id"], a["aggregate_version"]) for a in await outbox(rt, ASSESSED)}
    events = await outbox(rt, "meetings.meeting.submitted.v1") + await outbox(
        rt, "meetings.meeting.amended.v1"
    )
    for data in events:
        if (data["meeting_id"], data["aggregate_version"]) in done:
            continue
        facts = MeetingSubmitted.model_validate(data)
        async with rt.uow() as uow:
            await on_meeting_recorded(rt.context, uow, None, facts)  # type: ignore[arg-type]
            await uow.commit()


async def signals_of(rt: ServiceRuntime, meeting_id: str) -> set[str]:
    assessed = [a for a in await outbox(rt, ASSESSED) if a["meeting_id"] == meeting_id]
    return {s["code"] for s in assessed[-1]["signals"]}


async def test_copied_minutes_raise_the_signal_an_honest_record_does_not(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    (october, october_resolution), (november, november_resolution) = honest_months()
    first = await client.post(
        "/v1/meetings",
        json=day("2026-10-03", minutes=october, resolution=october_resolution),
        headers=headers(),
    )
    assert first.status_code == 201, first.text
    honest = await client.post(
        "/v1/meetings",
        json=day(
            "2026-11-03",
            minutes=november,
            resolution=november_resolution,
            focal_issue="Xây dựng nông thôn mới kiểu mẫu",
        ),
        headers=headers(),
    )
    assert honest.status_code == 201, honest.text
    await run_handler(rt)
    assert "minutes_repeated" not in await signals_of(rt, honest.json()["id"])
    assert "resolution_repeated" not in await signals_of(rt, honest.json()["id"])

    # The same month's record amended with October's minutes and resolution, dates and all.
    amended = await client.post(
        f"/v1/meetings/{honest.json()['id']}/amendments",
        json={
            "reason": "Bổ sung biên bản",
            "record": day("2026-11-03", minutes=october, resolution=october_resolution),
        },
        headers=headers(),
    )
    assert amended.status_code in (200, 201), amended.text
    await run_handler(rt)
    assessed = [a for a in await outbox(rt, ASSESSED) if a["meeting_id"] == honest.json()["id"]]
    assert [a["aggregate_version"] for a in assessed] == [1, 2]
    latest = {s["code"]: s for s in assessed[-1]["signals"]}
    assert {"minutes_repeated", "resolution_repeated"} <= latest.keys()
    evidence = latest["minutes_repeated"]["evidence"]
    assert evidence["matched_meeting_id"] == first.json()["id"]
    assert evidence["similarity"] >= evidence["threshold"]
    assert "Biên bản giống" in latest["minutes_repeated"]["explanation"]
    # The submitted event carries the focal issue; names never travel on the bus.
    submitted = await outbox(rt, "meetings.meeting.submitted.v1")
    assert submitted[-1]["focal_issue"] == "Xây dựng nông thôn mới kiểu mẫu"
    for a in assessed:
        for s in a["signals"]:
            assert "named" not in s["evidence"]


async def test_a_stale_event_is_not_announced(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    (october, resolution), _ = honest_months()
    made = await client.post(
        "/v1/meetings",
        json=day("2026-10-03", minutes=october, resolution=resolution),
        headers=headers(),
    )
    assert made.status_code == 201, made.text
    data = (await outbox(rt, "meetings.meeting.submitted.v1"))[0]
    stale = MeetingSubmitted.model_validate({**data, "aggregate_version": 7})
    async with rt.uow() as uow:
        await on_meeting_recorded(rt.context, uow, None, stale)  # type: ignore[arg-type]
        await uow.commit()
    assert await outbox(rt, ASSESSED) == []
