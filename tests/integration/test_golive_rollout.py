"""A roll-out plan from the registry to the consumers' replicas: the plan's events, applied by
meetings and scoring as their queues would, move a commune live on its date there too (the
meetings it owes, the roll-out view), and a replica built from the history feed alone agrees."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from chibo_testing.plugin import migrated
from chibo_testing.tokens import signed_client, token
from event_contracts import parse_envelope
from meetings.main import MIGRATIONS as MEETINGS_MIGRATIONS
from meetings.main import build_app as build_meetings
from meetings.schedules.models import MeetingExpectation
from meetings.schedules.service import expect_month
from meetings.settings import MeetingsSettings
from meetings.subscriptions import SUBSCRIPTIONS as MEETINGS_SUBSCRIPTIONS
from org_tree import backfill, golive
from org_tree.registry_client import RegistryClient
from registry.main import MIGRATIONS as REGISTRY_MIGRATIONS
from registry.main import build_app as build_registry
from registry.settings import RegistrySettings
from scoring.main import MIGRATIONS as SCORING_MIGRATIONS
from scoring.main import build_app as build_scoring
from scoring.rollout.service import roll_out
from scoring.settings import ScoringSettings
from scoring.subscriptions import SUBSCRIPTIONS as SCORING_SUBSCRIPTIONS
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

NO_BROKER = "amqp://guest:guest@127.0.0.1:1/"
_keys = itertools.count()


@pytest.fixture
async def stack(
    db_url: str, tmp_path
) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime, dict[str, ServiceRuntime]]]:  # type: ignore[no-untyped-def]
    """The registry on both databases; meetings, scoring and a second meetings (for the
    backfill) on SQLite files."""
    await (await migrated(db_url, REGISTRY_MIGRATIONS)).dispose()
    registry = build_registry(RegistrySettings(database_url=db_url, amqp_url=NO_BROKER))  # type: ignore[arg-type]
    consumers: dict[str, Any] = {}
    for name, migrations, build, settings in (
        ("meetings", MEETINGS_MIGRATIONS, build_meetings, MeetingsSettings),
        ("scoring", SCORING_MIGRATIONS, build_scoring, ScoringSettings),
        ("backfilled", MEETINGS_MIGRATIONS, build_meetings, MeetingsSettings),
    ):
        url = f"sqlite+aiosqlite:///{tmp_path}/{name}.db"
        await (await migrated(url, migrations)).dispose()
        consumers[name] = build(settings(database_url=url, amqp_url=NO_BROKER)).state.runtime
    async with signed_client(registry, "http://registry") as client:
        yield client, registry.state.runtime, consumers
    await registry.state.runtime.db.dispose()
    for runtime in consumers.values():
        await runtime.db.dispose()


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await client.post(path, json=body, headers={"Idempotency-Key": f"g-{next(_keys)}"})
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


async def org(client: httpx.AsyncClient, code: str, kind: str, parent: str | None) -> str:
    body: dict[str, Any] = {"code": code, "name": f"Tổ chức {code}", "kind": kind}
    body |= {"parent_id": parent, "valid_from": "2020-01-01"}
    return str((await post(client, "/v1/organisations", body))["id"])


SUBSCRIPTIONS = {"meetings": MEETINGS_SUBSCRIPTIONS, "scoring": SCORING_SUBSCRIPTIONS}


async def deliver_outbox(registry: ServiceRuntime, consumer: ServiceRuntime) -> list[str]:
    """Every registry event, in outbox order, through the consumer's own subscriptions."""
    async with registry.db.session() as session:
        payloads = (
            await session.execute(sa.select(OutboxEvent.payload).order_by(OutboxEvent.id))
        ).scalars()
        events = [parse_envelope(p.encode()) for p in payloads]
    subscriptions = SUBSCRIPTIONS[consumer.name]
    handlers = {k: h for sub in subscriptions for k, h in sub.handlers.items()}
    applied = []
    async with consumer.uow() as uow:
        for event, data in events:
            handler = handlers.get(event.routing_key)
            if handler is not None:
                await handler(consumer.context, uow, event, data)
                applied.append(event.routing_key)
        await uow.commit()
    return applied


async def test_a_plan_moves_a_commune_live_on_its_date_everywhere(stack) -> None:  # type: ignore[no-untyped-def]
    client, registry, consumers = stack
    province = await org(client, "T", "province", None)
    a = await org(client, "T.A", "commune", province)
    b = await org(client, "T.B", "commune", province)
    pilot = await org(client, "T.A.1", "grassroots_branch", a)
    a2 = await org(client, "T.A.2", "grassroots_branch", a)
    b1 = await org(client, "T.B.1", "grassroots_branch", b)

    plan = await post(
        client,
        "/v1/go-live-plans",
        {
            "items": [
                {"organisation_id": pilot, "go_live_on": "2026-03-01"},
                {"organisation_id": a, "go_live_on": "2026-07-01"},
                {"organisation_id": b, "go_live_on": "2026-09-01"},
            ]
        },
    )
    assert plan["changed"] == 3

    for name in ("meetings", "scoring"):
        applied = await deliver_outbox(registry, consumers[name])
        assert applied.count("registry.organisation.go_live_set.v1") == 3, name
    meetings, scoring = consumers["meetings"], consumers["scoring"]
    async with meetings.db.session() as session:
        assert await golive.go_live_of(session, b1, date(2026, 8, 31)) == date(2026, 9, 1)
        assert await golive.go_live_of(session, a2, date(2026, 8, 31)) == date(2026, 7, 1)
        assert await golive.go_live_of(session, pilot, date(2026, 8, 31)) == date(2026, 3, 1)
        assert await golive.go_live_of(session, province, date(2026, 8, 31)) is None

    # Meetings owes T.B.1 nothing in August, a meeting from September (its commune's date).
    async with meetings.uow() as uow:
        book = meetings.context.meeting_rules
        await expect_month(uow.session, book, "2026-08", date(2026, 8, 1))
        await expect_month(uow.session, book, "2026-09", date(2026, 9, 1))
        await uow.commit()
    async with meetings.db.session() as session:
        owed = set(
            (
                await session.execute(
                    sa.select(MeetingExpectation.branch_id, MeetingExpectation.period)
                )
            ).all()
        )
    assert {p for br, p in owed if br == b1} == {"2026-09"}
    assert {p for br, p in owed if br == a2} == {"2026-08", "2026-09"}

    async with scoring.db.session() as session:
        before = await roll_out(session, province, date(2026, 8, 31))
        on_the_day = await roll_out(session, province, date(2026, 9, 1))
    assert (before.branches_live, on_the_day.branches_live) == (2, 3)
    communes = {lv.kind: lv for lv in on_the_day.levels}["commune"]
    assert (communes.live, communes.planned) == (2, 0)
    assert [(u.go_live_on, u.branches) for u in before.upcoming] == [(date(2026, 9, 1), 1)]

    # A replica built from the history feed alone (no events) answers the same.
    async def province_token(_: httpx.AsyncClient) -> str:
        return token("any", "province")

    rebuilt = consumers["backfilled"]
    await backfill.backfill(rebuilt, RegistryClient(client, province_token))
    async with rebuilt.db.session() as session, meetings.db.session() as original:
        for node in (province, a, b, pilot, a2, b1):
            for day in (date(2026, 8, 31), date(2026, 9, 1)):
                assert await golive.go_live_of(session, node, day) == await golive.go_live_of(
                    original, node, day
                ), (node, day)
