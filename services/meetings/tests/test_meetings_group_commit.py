"""Group commit on the submission path (#12), SQLite and PostgreSQL: five submissions gathered
into one commit group, one of them a second regular record of a month — that one is refused
(409) alone, the other four are accepted, stored and their events in the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import sqlalchemy as sa
from meetings_factories import meetings_api, submission

from meetings.meetings.models import BranchMeeting
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

SUBMITTED = "meetings.meeting.submitted.v1"


def on(iso: str) -> dict[str, object]:
    return submission(
        held_on=iso, started_at=f"{iso}T19:30:00+07:00", ended_at=f"{iso}T21:10:00+07:00"
    )


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    async with meetings_api(db_url, now=datetime(2026, 11, 20, 3, tzinfo=UTC)) as found:
        found[1].db.group.enabled = True  # PostgreSQL groups only when asked (CHIBO_GROUP_COMMIT=1)
        yield found


async def test_one_bad_submission_in_a_commit_group_is_refused_alone(
    api: tuple[httpx.AsyncClient, ServiceRuntime],
) -> None:
    client, rt = api
    days = ["2026-08-05", "2026-09-05", "2026-11-03", "2026-10-05", "2026-11-10"]
    group = rt.db.group

    async def post(i: int, day: str) -> httpx.Response:
        return await client.post(
            "/v1/meetings", json=on(day), headers={"Idempotency-Key": f"group-{i}"}
        )

    async with group.held():
        calls = [asyncio.create_task(post(i, d)) for i, d in enumerate(days)]
        for _ in range(500):  # every request through its read phase, waiting on the group
            if group.waiting() == len(days):
                break
            await asyncio.sleep(0.01)
        assert group.waiting() == len(days)
    answers = await asyncio.gather(*calls)
    assert group.last_group_size == len(days)
    statuses = [a.status_code for a in answers]
    assert sorted(statuses) == [201, 201, 201, 201, 409], [a.text for a in answers]
    # Whichever of November's two came first in the group wins; the other is refused, naming it.
    won, lost = (answers[2], answers[4]) if statuses[4] == 409 else (answers[4], answers[2])
    assert (won.status_code, lost.status_code) == (201, 409)
    assert lost.json()["existing_meeting_id"] == won.json()["id"]
    async with rt.db.session() as session:
        stored = (await session.execute(sa.select(BranchMeeting.id))).scalars().all()
        events = (
            await session.execute(
                sa.select(sa.func.count()).where(OutboxEvent.routing_key == SUBMITTED)
            )
        ).scalar_one()
    assert sorted(stored) == sorted(a.json()["id"] for a in answers if a.status_code == 201)
    assert events == 4
    for answer in answers:  # each accepted answer is readable at once: it was durable
        if answer.status_code == 201:
            got = await client.get(answer.headers["Location"])
            assert got.status_code == 200
