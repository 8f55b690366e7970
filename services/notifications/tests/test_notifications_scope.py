"""Subtree scope on the notifications API, by example: a commune sees and replays only what was
sent inside its subtree, province-level things need a province token, and the migration fills
the organisation of rows written before it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from notifications_servers import PUBLIC_NAMES

from chibo_testing.plugin import migrated
from chibo_testing.tokens import bearer, signed_client
from event_contracts.events.registry import OrganisationRegistered
from notifications.deliveries.models import Delivery
from notifications.inbox.models import Notification
from notifications.inbox.service import record
from notifications.main import MIGRATIONS, build_app
from notifications.replica.service import ancestors, meeting_windows, names
from notifications.settings import NotificationsSettings
from org_tree.replica import apply_registered
from service_kit import migrations
from service_kit.db import Database
from service_kit.ids import new_id
from service_kit.runtime import ServiceRuntime

TREE = {
    "tinh-ht": None,
    "xa-binh-phu": "tinh-ht",
    "cb-thon-1": "xa-binh-phu",
    "xa-thach-ha": "tinh-ht",
    "cb-thon-9": "xa-thach-ha",
}
MINE, THEIRS = "branch-secretary:cb-thon-1", "branch-secretary:cb-thon-9"
COMMITTEE, MEMBER, AGENCY = "committee:xa-binh-phu", "member:m-1", "agency:ubkt"
COMMUNE = bearer("xa-binh-phu", "commune")


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    settings = NotificationsSettings(
        database_url=db_url, amqp_url="amqp://guest:guest@127.0.0.1:1/"
    )
    app = build_app(settings, resolver=PUBLIC_NAMES)
    runtime: ServiceRuntime = app.state.runtime
    async with runtime.uow() as uow:
        for node, parent in TREE.items():
            await apply_registered(
                uow.session,
                OrganisationRegistered.produce(
                    aggregate_version=1,
                    organisation_id=node,
                    code=node,
                    name=node,
                    kind="commune" if node.startswith("xa") else "province",
                    parent_id=parent,
                    valid_from=date(2020, 1, 1),
                ),
            )
        for recipient in (MINE, THEIRS, COMMITTEE, MEMBER, AGENCY):
            await record(
                uow,
                event_id="ev-1",
                event_type="vn.chibo.meetings.meeting.missed.v1",
                recipient=recipient,
                subject="Chưa sinh hoạt",
                body="Chi bộ chưa sinh hoạt kỳ này.",
                urgent=False,
                rule_set_version=0,
            )
        await uow.commit()
    async with signed_client(app, "http://notifications") as client:
        yield client, runtime
    await runtime.db.dispose()


async def _failed_deliveries(client: httpx.AsyncClient, runtime: ServiceRuntime) -> None:
    """A contact point and a failed delivery for my secretary, theirs and the agency."""
    async with runtime.uow() as uow:
        for address in (MINE, THEIRS, AGENCY):
            r = await client.post(
                "/v1/contact-points",
                json={"address": address, "channel": "webhook", "target": "https://x.example/h"},
            )
            assert r.status_code == 201, r.text
            uow.session.add(
                Delivery(
                    id=new_id(),
                    event_id="ev-1",
                    event_type="vn.chibo.meetings.meeting.missed.v1",
                    recipient=address,
                    channel="webhook",
                    urgency="routine",
                    rule_id="missed",
                    rule_set_version=0,
                    contact_point_id=r.json()["id"],
                    body="{}",
                    status="failed",
                )
            )
        await uow.commit()


def _recipients(body: dict[str, Any], field: str = "recipient") -> set[str]:
    return {item[field] for item in body["items"]}


async def test_a_commune_sees_and_replays_only_its_subtree(api: Any) -> None:
    client, runtime = api
    await _failed_deliveries(client, runtime)
    notes = await client.get("/v1/notifications", headers=COMMUNE)
    assert _recipients(notes.json()) == {MINE, COMMITTEE}
    contacts = await client.get("/v1/contact-points", headers=COMMUNE)
    assert _recipients(contacts.json(), "address") == {MINE}
    deliveries = await client.get("/v1/deliveries", headers=COMMUNE)
    assert _recipients(deliveries.json()) == {MINE}

    replayed = await client.post("/v1/deliveries/replays", json={}, headers=COMMUNE)
    assert replayed.json() == {"replayed": 1}
    failed = await client.get("/v1/deliveries", params={"status": "failed"})
    assert _recipients(failed.json()) == {THEIRS, AGENCY}  # the province's view: untouched

    async with runtime.db.session() as session:
        stored = (await session.execute(sa.select(Notification))).scalars()
        assert {(n.recipient, n.organisation_id) for n in stored} == {
            (MINE, "cb-thon-1"),
            (THEIRS, "cb-thon-9"),
            (COMMITTEE, "xa-binh-phu"),
            (MEMBER, None),
            (AGENCY, None),
        }


async def test_foreign_targets_and_province_level_resources_are_refused(api: Any) -> None:
    client, _ = api
    for method, path, params in (
        ("GET", "/v1/notifications/unread-count", {"recipient": THEIRS}),
        ("GET", "/v1/notifications", {"recipient": MEMBER}),
        ("POST", "/v1/notifications/read", {"recipient": THEIRS}),
        ("GET", "/v1/contact-points", {"address": AGENCY}),
        ("GET", "/v1/rules", None),
        ("GET", "/v1/agencies", None),
    ):
        r = await client.request(method, path, params=params, headers=COMMUNE)
        assert r.status_code == 403, (path, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    mine = await client.get("/v1/notifications/unread-count", params={"recipient": MINE})
    assert mine.json()["unread"] == 1
    bare = client.build_request("GET", "/v1/notifications")
    del bare.headers["Authorization"]
    assert (await client.send(bare)).status_code == 401


async def test_the_migration_fills_organisations_and_carries_the_tree_over(db_url: str) -> None:
    before = "649115119213"
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, db_url, before)
    db = Database(db_url)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    known = sa.table(
        "known_organisation",
        *map(sa.column, ("organisation_id", "name", "kind", "parent_id", "meeting_day_from")),
    )
    note = sa.table(
        "notification",
        *map(sa.column, ("id", "event_id", "event_type", "recipient", "channel", "subject")),
        *map(sa.column, ("body", "urgent", "rule_set_version", "created_at")),
    )
    contact = sa.table(
        "contact_point",
        *map(sa.column, ("id", "address", "channel", "target", "active", "created_at")),
    )
    async with db.engine.begin() as conn:
        await conn.execute(
            known.insert(),
            [
                {"organisation_id": o, "name": n, "kind": k, "parent_id": p, "meeting_day_from": d}
                for o, n, k, p, d in (
                    ("tinh-ht", "Tỉnh", "province", None, None),
                    ("cb-1", "Thôn 1", "grassroots_branch", "tinh-ht", 3),
                )
            ],
        )
        for i, recipient in enumerate(("branch-secretary:cb-1", AGENCY, MEMBER, "nocolon")):
            await conn.execute(
                note.insert().values(
                    id=f"n{i}", event_id="e", event_type="t", recipient=recipient,
                    channel="inbox", subject="s", body="b", urgent=False, rule_set_version=0,
                    created_at=now,
                )
            )  # fmt: skip
        await conn.execute(
            contact.insert().values(
                id="c1", address="committee:cb-1", channel="email", target="a@b.vn",
                active=True, created_at=now,
            )
        )  # fmt: skip
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, db_url)
    async with db.session() as session:
        rows = await session.execute(sa.text("SELECT id, organisation_id FROM notification"))
        assert dict(rows.all()) == {"n0": "cb-1", "n1": None, "n2": None, "n3": None}
        cp = await session.execute(sa.text("SELECT organisation_id FROM contact_point"))
        assert cp.scalar_one() == "cb-1"
        assert await ancestors(session, "cb-1", date(2026, 11, 1)) == ["cb-1", "tinh-ht"]
        assert await names(session, ["cb-1"]) == {"cb-1": "Thôn 1"}
        assert await meeting_windows(session) == [("cb-1", 3, 3)]
    config = migrations.alembic_config(MIGRATIONS, db_url)
    await asyncio.to_thread(command.downgrade, config, before)
    async with db.session() as session:
        back = await session.execute(
            sa.text("SELECT organisation_id, parent_id FROM known_organisation")
        )
        assert set(back.all()) == {("tinh-ht", None), ("cb-1", "tinh-ht")}
    await db.dispose()
