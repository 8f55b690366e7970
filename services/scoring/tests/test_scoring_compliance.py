"""Detectors through the event edge on SQLite and PostgreSQL: each flag once, whatever the order
or the duplicates; the sweep on the injected clock; classification and reports on both."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from scoring_factories import envelope, facts, roll, scoring_app

from chibo_testing.tokens import signed_client
from event_contracts.events.meetings import RollEntry
from scoring.compliance.models import ComplianceFlag, MeetingAttendance
from scoring.compliance.scheduled import sweep_once
from scoring.meeting_scores import handlers
from service_kit.clock import FrozenClock
from service_kit.outbox import OutboxEvent

KEM = {"C3": 0, "C4": 0, "C5": 0}  # with a short meeting and an unexcused absence: < 50


def month_meeting(month: int, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "meeting_id": f"k-{month:02d}",
        "branch_id": "b-k",
        "held_on": date(2026, month, 5),
        "meeting_type": "combined" if month % 3 == 0 else "regular",
        "duration_minutes": 130 if month % 3 == 0 else 100,
    }
    fields.update(overrides)
    return facts(**fields)


async def deliver(runtime: Any, data: Any) -> None:
    async with runtime.uow() as uow:
        await handlers.on_meeting_submitted(runtime.context, uow, envelope(data), data)
        await uow.commit()


async def flags(runtime: Any) -> list[tuple[str, str, str]]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.select(ComplianceFlag.kind, ComplianceFlag.subject_id, ComplianceFlag.period)
        )
        events = await session.execute(
            sa.select(OutboxEvent.payload).where(
                OutboxEvent.event_type == "vn.chibo.scoring.compliance.flagged.v1"
            )
        )
        announced = sorted(json.loads(p)["data"]["flag_id"] for p in events.scalars())
    stored = sorted(tuple(r) for r in rows.all())
    assert announced == sorted(f"{k}:{s}:{p}" for k, s, p in stored)  # one event per flag
    return stored


async def test_each_flag_once_whatever_the_order(db_url: str) -> None:
    app = await scoring_app(db_url)
    runtime = app.state.runtime
    absent = RollEntry(member_id="m-absent", attendance="unexcused")
    others = roll(present=18, excused=1)
    bad = {
        "self_score": KEM,
        "duration_minutes": 30,
        "roll": [*others, absent],
        "agenda_steps_completed": [],
        "previous_action_items_done_on_time": 2,
    }
    meetings = [
        month_meeting(1),
        month_meeting(2, **bad),
        # March's tasks were not followed up in April (zero items reported)
        month_meeting(4, **{**bad, "previous_action_items_total": 0}),
        month_meeting(3, **{**bad, "agenda_steps_completed": ["tasks_assigned"]}),  # arrives late
        month_meeting(
            5,
            roll=[
                *roll(present=14, excused=4),
                RollEntry(member_id="m-absent", attendance="present"),
            ],
        ),
    ]
    for m in meetings:
        await deliver(runtime, m)
    first = await flags(runtime)
    assert first == sorted(
        [
            ("action_items_without_follow_up", "b-k", "2026-04"),
            ("attendance_below_threshold", "b-k", "2026-05"),
            ("consecutive_kem", "b-k", "2026-03"),
            ("consecutive_kem", "b-k", "2026-04"),
            ("name_removal_proposal", "m-absent", "2026"),
            ("unexcused_absence_warning", "m-absent", "2026"),
        ]
    )
    # Delivered again, and amended with the same facts: nothing new.
    for m in meetings:
        await deliver(runtime, m)
    await deliver(
        runtime,
        month_meeting(4, **{**bad, "previous_action_items_total": 0, "aggregate_version": 2}),
    )
    assert await flags(runtime) == first
    async with runtime.db.session() as session:
        rows = (
            await session.execute(sa.select(sa.func.count()).select_from(MeetingAttendance))
        ).scalar_one()
    # One row per member and meeting: the amendment replaced its rows.
    assert rows == sum(len(m.roll) for m in meetings)

    # Q2 has no thematic meeting yet: the sweep flags it once the quarter has ended.
    runtime.clock = FrozenClock(datetime(2026, 6, 30, tzinfo=UTC))
    assert await sweep_once(runtime.context) == 0
    runtime.clock = FrozenClock(datetime(2026, 7, 1, tzinfo=UTC))
    assert await sweep_once(runtime.context) == 1 and await sweep_once(runtime.context) == 0
    assert ("quarter_without_thematic", "b-k", "2026-Q2") in await flags(runtime)

    async with signed_client(app, "http://scoring") as client:
        listed = (
            await client.get("/v1/compliance-flags", params={"subject_id": "m-absent"})
        ).json()
        assert {f["kind"] for f in listed} == {"name_removal_proposal", "unexcused_absence_warning"}
        run = await client.post(
            "/v1/classifications/2026/proposals", json={}, headers={"Idempotency-Key": "p"}
        )
        assert run.status_code == 201, run.text
        assert run.json()["branch"]["not_fulfilled"] == 1
        absent_member = (await client.get("/v1/classifications/2026/member/m-absent")).json()
        assert absent_member["basis"]["unexcused_months"] == 3
        report = (await client.get("/v1/reports/branches", params={"period": "2026-H1"})).json()
        assert report["branches"] == 1 and report["months"][5]["coverage"] == 0.0
        assert report["weakest"][0]["criteria_lost"][0]["code"] in {"C1", "C2", "C4"}
    await runtime.db.dispose()
