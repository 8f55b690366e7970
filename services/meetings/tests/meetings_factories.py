"""Factories for meeting submissions as a branch would send them, and a replica tree to match."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import yaml

from chibo_testing.plugin import migrated
from chibo_testing.tokens import signed_client
from event_contracts.events.registry import ObserverAssigned, OrganisationRegistered
from meetings.main import MIGRATIONS, build_app
from meetings.policy import MEETING_RULES_DIR
from meetings.settings import MeetingsSettings
from org_tree.observers import apply_observer_assigned
from org_tree.replica import apply_registered
from service_kit.clock import FrozenClock
from service_kit.runtime import ServiceRuntime
from service_kit.uow import UnitOfWork

# (id, kind, parent, valid_from): Hà Tĩnh before and after the 2025 reform.
TREE = [
    ("tinh-ha-tinh", "province", None, date(2020, 1, 1)),
    ("huyen-thach-ha", "legacy_district", "tinh-ha-tinh", date(2020, 1, 1)),
    ("xa-thach-ngoc", "commune", "huyen-thach-ha", date(2020, 1, 1)),
    ("branch-dong-ha", "grassroots_branch", "xa-thach-ngoc", date(2020, 1, 1)),
]


async def seed_tree(uow: UnitOfWork, tree: list[tuple[str, str, str | None, date]] = TREE) -> None:
    """Put organisations into the replica the way registry events do."""
    for org_id, kind, parent, valid_from in tree:
        await apply_registered(
            uow.session,
            OrganisationRegistered.produce(
                aggregate_version=1,
                organisation_id=org_id,
                code=org_id,
                name=org_id,
                kind=kind,
                parent_id=parent,
                valid_from=valid_from,
            ),
        )


def meeting_rules(directory: Path, **sets: dict[str, Any]) -> Path:
    """Rule files in `directory`: the shipped national set, then each of `sets` (file name →
    what it changes of the national set; `effective_from`, `version` and `province_code` too)."""
    national = yaml.safe_load((MEETING_RULES_DIR / "national.yaml").read_text(encoding="utf-8"))
    (directory / "national.yaml").write_text(yaml.safe_dump(national), encoding="utf-8")
    for name, changes in sets.items():
        data = {**national, **changes}
        (directory / f"{name}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return directory


def request(addressee_id: str = "xa-thach-ngoc", **overrides: Any) -> dict[str, Any]:
    body = {
        "subject": "Đường liên thôn xuống cấp",
        "text": "Đề nghị xã sửa đoạn đường 2 km.",
        "addressee_id": addressee_id,
    }
    body.update(overrides)
    return body


def submission(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "branch_id": "branch-dong-ha",
        "meeting_type": "regular",
        "held_on": "2026-11-03",
        "started_at": "2026-11-03T19:30:00+07:00",
        "ended_at": "2026-11-03T21:10:00+07:00",
        "place": "Nhà văn hóa thôn Đông Hà",
        "roll": [{"member_id": f"m{i:02d}", "attendance": "present"} for i in range(1, 21)]
        + [
            {"member_id": "m21", "attendance": "excused", "reason": "Đi công tác"},
            {"member_id": "m22", "attendance": "exempt"},
        ],
        "speaker_ids": [f"m{i:02d}" for i in range(1, 13)],
        "agenda_steps_completed": ["purpose_and_guests", "attendance_announced", "vote"],
        "previous_action_items_total": 4,
        "previous_action_items_done_on_time": 4,
        "resolution_voted": True,
        "requests_raised": [],
        "self_score": {"C5": 4},
    }
    body.update(overrides)
    return body


NO_BROKER = "amqp://guest:guest@127.0.0.1:1/"  # the HTTP API alone: events wait in the outbox
Seed = Callable[[UnitOfWork], Awaitable[None]]


@asynccontextmanager
async def meetings_api(
    db_url: str,
    *,
    now: datetime | None = None,
    seed: Seed | None = None,
    rules_dir: Path | None = None,
) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    """The meetings app on a migrated database, the tree of `TREE` in its replica (and what
    `seed` adds), its clock frozen at `now`, the meeting calendar's rule files of `rules_dir`
    (the shipped ones when None); a client signed as a province officer."""
    db = await migrated(db_url, MIGRATIONS)
    await db.dispose()
    app = build_app(
        MeetingsSettings(database_url=db_url, amqp_url=NO_BROKER, meeting_rules_dir=rules_dir)  # type: ignore[arg-type]
    )
    rt: ServiceRuntime = app.state.runtime
    if now is not None:
        rt.clock = FrozenClock(now)
    async with rt.uow() as uow:
        await seed_tree(uow)
        if seed is not None:
            await seed(uow)
        await uow.commit()
    try:
        async with signed_client(app, "http://meetings") as client:
            yield client, rt
    finally:
        await rt.db.dispose()


async def observed_dong_ha(uow: UnitOfWork) -> None:
    """Member uv-xa-01 of the commune committee observes Đông Hà from 2026-01-01."""
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
