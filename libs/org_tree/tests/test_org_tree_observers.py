"""G9 for observer assignments: whatever order the registry's facts arrive in, every service that
keeps observers (meetings, notifications) ends with the same answer, and an assignment that
ended never reopens."""

from __future__ import annotations

import importlib
from datetime import date
from itertools import permutations
from pathlib import Path

import pytest

from chibo_testing.plugin import migrated
from event_contracts import EventData, make_event
from event_contracts.catalog import routing_key_of
from event_contracts.events import registry as ev
from org_tree.observers import observers_by_branch, observers_of
from service_kit.uow import UnitOfWork

ASSIGNED = ev.ObserverAssigned.produce(
    aggregate_version=1,
    observer_assignment_id="oa-1",
    member_id="m-observer",
    branch_id="b-1",
    valid_from=date(2026, 1, 1),
    valid_to=None,
)
ENDED = ev.ObserverEnded.produce(
    aggregate_version=2,
    observer_assignment_id="oa-1",
    member_id="m-observer",
    branch_id="b-1",
    on=date(2026, 6, 1),
)
OTHER = ev.ObserverAssigned.produce(
    aggregate_version=1,
    observer_assignment_id="oa-2",
    member_id="m-second",
    branch_id="b-1",
    valid_from=date(2026, 3, 1),
    valid_to=None,
)


def _service(name: str) -> tuple[Path, dict[str, object]]:
    main = importlib.import_module(f"{name}.main")
    subscriptions = importlib.import_module(f"{name}.subscriptions").SUBSCRIPTIONS
    handlers = {key: h for sub in subscriptions for key, h in sub.handlers.items()}
    return main.MIGRATIONS, handlers


@pytest.mark.parametrize("service", ["meetings", "notifications"])
async def test_an_ended_assignment_stays_ended_whatever_the_order(
    db_url: str, service: str
) -> None:
    migrations, handlers = _service(service)
    for order in permutations([ASSIGNED, ENDED, OTHER]):
        db = await migrated(db_url, migrations)
        try:
            for data in order:
                await _deliver(db, handlers, data)
            async with db.session() as session:
                in_april = await observers_of(session, "b-1", date(2026, 4, 1))
                in_july = await observers_by_branch(session, date(2026, 7, 1))
            assert in_april == ["m-observer", "m-second"], order
            assert in_july == {"b-1": ["m-second"]}, order
        finally:
            await db.dispose()


async def _deliver(db: object, handlers: dict[str, object], data: EventData) -> None:
    event = make_event(data, source="/registry", subject=f"observer/{data.observer_assignment_id}")  # type: ignore[attr-defined]
    handler = handlers[routing_key_of(type(data))]
    async with UnitOfWork(db, source="/test") as uow:  # type: ignore[arg-type]
        await handler(None, uow, event, data)  # type: ignore[operator]  # (no context used)
        await uow.commit()
