"""The organisation replica built from the registry's paged history feed (no events at all) answers
every dated question as the registry does — moves and the 2025 merger included; a second backfill
changes nothing; `--from-scratch` repairs a damaged replica."""

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
from meetings.main import MIGRATIONS as MEETINGS_MIGRATIONS
from meetings.main import build_app as build_meetings
from meetings.settings import MeetingsSettings
from org_tree import backfill
from org_tree.models import OrgLink, OrgNode
from org_tree.registry_client import RegistryClient
from org_tree.replica import chain_on
from registry.main import MIGRATIONS as REGISTRY_MIGRATIONS
from registry.main import build_app as build_registry
from registry.settings import RegistrySettings
from service_kit.runtime import ServiceRuntime

NO_BROKER = "amqp://guest:guest@127.0.0.1:1/"
_keys = itertools.count()


@pytest.fixture
async def both(tmp_path) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:  # type: ignore[no-untyped-def]
    urls = {name: f"sqlite+aiosqlite:///{tmp_path}/{name}.db" for name in ("r", "m")}
    for url, migrations_dir in ((urls["r"], REGISTRY_MIGRATIONS), (urls["m"], MEETINGS_MIGRATIONS)):
        await (await migrated(url, migrations_dir)).dispose()
    registry = build_registry(RegistrySettings(database_url=urls["r"], amqp_url=NO_BROKER))  # type: ignore[arg-type]
    meetings = build_meetings(MeetingsSettings(database_url=urls["m"], amqp_url=NO_BROKER))  # type: ignore[arg-type]
    async with signed_client(registry, "http://registry") as client:
        yield client, meetings.state.runtime
    await registry.state.runtime.db.dispose()
    await meetings.state.runtime.db.dispose()


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = await client.post(path, json=body, headers={"Idempotency-Key": f"b-{next(_keys)}"})
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


async def org(client: httpx.AsyncClient, code: str, kind: str, parent: str | None) -> str:
    body = {"code": code, "name": f"Tổ chức {code}", "kind": kind, "parent_id": parent}
    return str(
        (await post(client, "/v1/organisations", {**body, "valid_from": "2020-01-01"}))["id"]
    )


async def province_token(_: httpx.AsyncClient) -> str:
    return token("any", "province")


async def test_backfill_matches_the_registry_on_every_date(both) -> None:  # type: ignore[no-untyped-def]
    client, runtime = both
    province = await org(client, "T", "province", None)
    district = await org(client, "T.H", "legacy_district", province)
    a = await org(client, "T.H.A", "commune", district)
    b = await org(client, "T.H.B", "commune", district)
    branches = [await org(client, f"T.H.A.{i}", "grassroots_branch", a) for i in range(3)]
    await post(
        client, f"/v1/organisations/{branches[0]}/move", {"parent_id": b, "on": "2024-03-01"}
    )
    # The 2025 reform: the district is abolished, communes merge and hang under the province.
    await post(client, f"/v1/organisations/{b}/move", {"parent_id": province, "on": "2025-07-01"})
    await post(
        client, "/v1/organisations/merges", {"source_ids": [a], "into_id": b, "on": "2025-07-01"}
    )

    applied = await backfill.backfill(runtime, RegistryClient(client, province_token))
    assert applied == 2 + 2 + 3

    days = [
        date(2023, 1, 1),
        date(2024, 6, 1),
        date(2025, 6, 30),
        date(2025, 7, 1),
        date(2026, 11, 1),
    ]
    async with runtime.db.session() as session:
        for node in [*branches, a, b]:
            for day in days:
                expected = await client.get(f"/v1/organisations/{node}/ancestors?on={day}")
                if expected.status_code == 404:  # not in existence that day
                    continue
                assert expected.status_code == 200, expected.text
                want = [item["id"] for item in expected.json()["items"]]
                got = [n.organisation_id for n in (await chain_on(session, node, day))[1:]]
                if want:  # a merged-away node: the replica walks from its last day instead
                    assert got == want, (node, day)
        merged = await session.get(OrgNode, a)
        assert merged is not None and merged.valid_to == date(2025, 7, 1)

    async def snapshot() -> tuple[list[Any], list[Any]]:
        async with runtime.db.session() as session:
            nodes = (await session.execute(sa.select(OrgNode).order_by(OrgNode.id))).scalars()
            links = (
                await session.execute(
                    sa.select(OrgLink).order_by(OrgLink.child_id, OrgLink.valid_from)
                )
            ).scalars()
            return [n.model_dump() for n in nodes], [link.model_dump() for link in links]

    before = await snapshot()
    assert await backfill.backfill(runtime, RegistryClient(client, province_token)) == applied
    assert await snapshot() == before  # twice: nothing changes

    async with runtime.uow() as uow:  # damage: a wrong parent and a lost node
        await uow.session.execute(sa.update(OrgLink).values(parent_id=branches[1]))
        await uow.session.execute(sa.delete(OrgNode).where(OrgNode.id == district))
        await uow.commit()
    assert await snapshot() != before
    await backfill.backfill(runtime, RegistryClient(client, province_token), from_scratch=True)
    assert await snapshot() == before


async def test_a_commune_token_backfills_only_its_subtree(both) -> None:  # type: ignore[no-untyped-def]
    client, runtime = both
    province = await org(client, "T", "province", None)
    a = await org(client, "T.A", "commune", province)
    b = await org(client, "T.B", "commune", province)
    mine = await org(client, "T.A.1", "grassroots_branch", a)
    await org(client, "T.B.1", "grassroots_branch", b)

    async def commune_token(_: httpx.AsyncClient) -> str:
        return token(a, "commune")

    assert await backfill.backfill(runtime, RegistryClient(client, commune_token)) == 2
    async with runtime.db.session() as session:
        ids = set((await session.execute(sa.select(OrgNode.id))).scalars())
    assert ids == {a, mine}
