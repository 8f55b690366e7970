"""Go-live in meetings: a month before a branch's go-live expects no meeting and no observer
report, so nothing is missed or overdue there; back-filled minutes are accepted and meet their
month; once the branch is live the sweeps judge it as before."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import httpx
import pytest
import sqlalchemy as sa
from meetings_factories import seed_tree, submission

from chibo_testing.plugin import migrated
from chibo_testing.tokens import signed_client
from event_contracts.events.registry import (
    ObserverAssigned,
    OrganisationGoLiveSet,
    OrganisationRegistered,
)
from meetings.main import MIGRATIONS, build_app
from meetings.observers.scheduled import sweep_once as report_sweep
from meetings.schedules.models import MeetingExpectation
from meetings.schedules.scheduled import sweep_once as missed_sweep
from meetings.settings import MeetingsSettings
from org_tree.observers import apply_observer_assigned
from org_tree.replica import apply_go_live_set, apply_registered
from service_kit.clock import FrozenClock
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime


def go_live(org_id: str, on: date | None, version: int = 2) -> OrganisationGoLiveSet:
    return OrganisationGoLiveSet.produce(
        aggregate_version=version, organisation_id=org_id, go_live_on=on
    )


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    """Đông Hà (default window 1–5, observed) and Tây Hà (window day 4), commune Thạch Ngọc."""
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    app = build_app(
        MeetingsSettings(database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/")
    )  # type: ignore[arg-type]
    rt: ServiceRuntime = app.state.runtime
    rt.clock = FrozenClock(datetime(2026, 11, 3, 12, tzinfo=UTC))
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
        await apply_observer_assigned(
            uow.session,
            ObserverAssigned.produce(
                aggregate_version=1,
                observer_assignment_id="oa-1",
                member_id="uv-xa-01",
                branch_id="branch-dong-ha",
                valid_from=date(2026, 1, 1),
            ),
        )
        await uow.commit()
    async with signed_client(app, "http://m") as client:
        yield client, rt
    await rt.db.dispose()


async def apply(rt: ServiceRuntime, *facts: OrganisationGoLiveSet) -> None:
    async with rt.uow() as uow:
        for fact in facts:
            await apply_go_live_set(uow.session, fact)
        await uow.commit()


async def events(rt: ServiceRuntime, key: str) -> list[dict]:  # type: ignore[type-arg]
    async with rt.db.session() as session:
        rows = await session.execute(
            sa.select(OutboxEvent.payload).where(OutboxEvent.routing_key == key)
        )
        return [json.loads(r)["data"] for r in rows.scalars()]


async def statuses(rt: ServiceRuntime) -> dict[tuple[str, str], str]:
    async with rt.db.session() as session:
        rows = await session.execute(
            sa.select(
                MeetingExpectation.branch_id, MeetingExpectation.period, MeetingExpectation.status
            )
        )
        return {(b, p): s for b, p, s in rows.all()}


async def test_a_month_before_go_live_is_never_missed(api) -> None:  # type: ignore[no-untyped-def]
    _, rt = api
    # The commune rolls out mid-November; the pilot branch Đông Hà has been live since October.
    await apply(
        rt,
        go_live("xa-thach-ngoc", date(2026, 11, 15)),
        go_live("branch-dong-ha", date(2026, 10, 1)),
    )
    await missed_sweep(rt.context)
    rt.clock.set(datetime(2026, 11, 10, 17, tzinfo=UTC))  # both windows and their grace passed
    assert await missed_sweep(rt.context) == 1
    assert [e["branch_id"] for e in await events(rt, "meetings.meeting.missed.v1")] == [
        "branch-dong-ha"
    ]
    assert ("branch-tay-ha", "2026-11") not in await statuses(rt)  # not yet in use: not owed

    rt.clock.set(datetime(2026, 12, 2, tzinfo=UTC))  # December: Tây Hà's first live month
    await missed_sweep(rt.context)
    rt.clock.set(datetime(2026, 12, 10, 17, tzinfo=UTC))
    assert await missed_sweep(rt.context) == 2
    missed = {(e["branch_id"], e["period"]) for e in await events(rt, "meetings.meeting.missed.v1")}
    assert ("branch-tay-ha", "2026-12") in missed


async def test_a_go_live_moved_later_settles_an_expected_month_without_a_word(api) -> None:  # type: ignore[no-untyped-def]
    _, rt = api
    await missed_sweep(rt.context)  # no plan anywhere: every branch owes November
    assert set((await statuses(rt)).values()) == {"expected"}
    await apply(rt, go_live("tinh-ha-tinh", date(2027, 1, 1)))  # then the province plans January
    rt.clock.set(datetime(2026, 11, 10, 17, tzinfo=UTC))
    assert await missed_sweep(rt.context) == 2
    assert await events(rt, "meetings.meeting.missed.v1") == []
    assert set((await statuses(rt)).values()) == {"not_in_use"}


async def test_back_filled_minutes_are_accepted_and_owe_no_report(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    await apply(rt, go_live("xa-thach-ngoc", date(2026, 11, 1)))
    paper = submission(
        held_on="2026-09-02",
        started_at="2026-09-02T19:30:00+07:00",
        ended_at="2026-09-02T21:10:00+07:00",
    )
    backfilled = await client.post("/v1/meetings", json=paper, headers={"Idempotency-Key": "b"})
    assert backfilled.status_code == 201, backfilled.text
    live = await client.post("/v1/meetings", json=submission(), headers={"Idempotency-Key": "l"})
    assert live.status_code == 201, live.text
    assert (await statuses(rt))[("branch-dong-ha", "2026-09")] == "met"  # it counts

    rt.clock.set(datetime(2026, 12, 10, tzinfo=UTC))  # both reports are past their due day
    assert await report_sweep(rt.context) == 2
    overdue = await events(rt, "meetings.observer_report.overdue.v1")
    assert [e["meeting_id"] for e in overdue] == [live.json()["id"]]
    reports = (await client.get("/v1/observer-reports?branch_id=branch-dong-ha")).json()
    assert {r["meeting_id"]: r["status"] for r in reports} == {
        backfilled.json()["id"]: "not_in_use",
        live.json()["id"]: "overdue",
    }
