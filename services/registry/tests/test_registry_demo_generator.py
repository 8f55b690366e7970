"""The demo province: deterministic by seed, shaped like the source districts, and written
once with its events (running it again writes nothing)."""

from __future__ import annotations

import json

import sqlalchemy as sa

from chibo_testing.plugin import migrated
from registry.demo.generator import build
from registry.demo.service import load
from registry.main import MIGRATIONS
from registry.organisations.rules import is_branch
from registry.roles.models import ObserverAssignment, RoleAssignment
from service_kit.outbox import OutboxEvent
from service_kit.uow import UnitOfWork


def test_same_seed_same_province_other_seed_other_names() -> None:
    a, b, c = build("bac-me", 1), build("bac-me", 1), build("bac-me", 2)
    assert a.organisations == b.organisations and a.members == b.members and a.roles == b.roles
    assert [m.full_name for m in a.members] != [m.full_name for m in c.members]


def test_source_district_shapes() -> None:
    bac_me = build("bac-me", 1)
    grassroots = [
        o
        for o in bac_me.organisations
        if o.kind == "grassroots_branch" or o.kind == "grassroots_organisation"
    ]
    assert len(grassroots) == 59
    # "59 chi, đảng bộ cơ sở và 214 chi bộ trực thuộc các đảng ủy cơ sở" (seed 003)
    assert sum(o.kind == "affiliated_branch" for o in bac_me.organisations) == 214
    assert sum(is_branch(o.kind) for o in bac_me.organisations) == 260
    assert len(bac_me.members) == 3_834
    thach_ha = build("thach-ha", 1)
    assert sum(o.kind == "grassroots_organisation" for o in thach_ha.organisations) == 36
    assert sum(is_branch(o.kind) for o in thach_ha.organisations) == 369
    assert len(thach_ha.members) == 8_952
    assert "Chi bộ thôn Đông Hà" in {o.name for o in thach_ha.organisations} or any(
        o.name.startswith("Chi bộ thôn ") for o in thach_ha.organisations
    )
    binh_phu = build("binh-phu", 1)
    branches = [o for o in binh_phu.organisations if is_branch(o.kind)]
    assert len(branches) == 10 and len(binh_phu.members) == 184
    assert {r.role for r in binh_phu.roles} >= {"secretary", "deputy_secretary"}
    assert len(binh_phu.observers) == 10
    assert all(o.meeting_day_from and o.meeting_day_to for o in branches)


async def test_demo_is_written_once_with_its_events(db_url: str) -> None:
    db = await migrated(db_url, MIGRATIONS)
    province = build("binh-phu", 3)
    try:
        async with UnitOfWork(db, source="/registry") as uow:
            summary = await load(uow, province)
            await uow.commit()
        assert (summary.branches, summary.members) == (10, 184)
        async with UnitOfWork(db, source="/registry") as uow:
            again = await load(uow, province)
            await uow.commit()
        assert not again.created
        async with db.session() as session:
            payloads = [
                json.loads(p) for p in await session.scalars(sa.select(OutboxEvent.payload))
            ]
            roles = await session.scalar(sa.select(sa.func.count()).select_from(RoleAssignment))
            observers = await session.scalar(
                sa.select(sa.func.count()).select_from(ObserverAssignment)
            )
        types = [p["type"].split(".")[3] + "." + p["type"].split(".")[4] for p in payloads]
        assert types.count("organisation.registered") == summary.organisations == 12
        assert types.count("member.admitted") == 184
        assert types.count("role.assigned") == roles == len(province.roles)
        assert types.count("observer.assigned") == observers == 10
    finally:
        await db.dispose()
