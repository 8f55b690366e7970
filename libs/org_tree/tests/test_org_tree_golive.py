"""Go-live dates in every replica: the month rules, and G9 — whatever order the registry's facts
arrive in, meetings, scoring and notifications answer the same effective date, inherited down
the tree, an own date overriding its ancestors', a removed own date inheriting again."""

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
from org_tree import golive
from service_kit.uow import UnitOfWork


def test_a_month_is_live_when_the_organisation_is_live_from_its_first_day() -> None:
    assert golive.first_live_month(date(2026, 8, 1)) == date(2026, 8, 1)
    assert golive.first_live_month(date(2026, 8, 15)) == date(2026, 9, 1)
    assert golive.first_live_month(date(2026, 12, 2)) == date(2027, 1, 1)
    assert golive.first_live_month(None) is None
    assert golive.month_live(golive.ALWAYS, 1999, 1)
    assert not golive.month_live(None, 2030, 1)  # not planned: never judged
    q3 = [(2026, 7), (2026, 8), (2026, 9)]
    assert golive.period_use(date(2026, 8, 15), q3) == "partly_in_use"
    assert golive.period_use(date(2026, 9, 2), q3) == "not_in_use"
    assert golive.period_use(date(2026, 7, 1), q3) == "in_use"
    assert golive.label_months("2026-Q3") == q3
    assert golive.label_months("2026-H1") == [(2026, m) for m in range(1, 7)]
    assert golive.label_months("2026") == [(2026, m) for m in range(1, 13)]
    assert golive.label_months("2026-07") == [(2026, 7)]
    assert golive.label_months("whenever") == []
    assert golive.status_on(date(2026, 8, 15), date(2026, 8, 14)) == "planned"
    assert golive.status_on(date(2026, 8, 15), date(2026, 8, 15)) == "live"
    assert golive.status_on(None, date(2026, 8, 15)) == "not_planned"


def _registered(org_id: str, kind: str, parent: str | None) -> ev.OrganisationRegistered:
    return ev.OrganisationRegistered.produce(
        aggregate_version=1,
        organisation_id=org_id,
        code=org_id,
        name=org_id,
        kind=kind,
        parent_id=parent,
        valid_from=date(2020, 1, 1),
    )


TREE = [
    _registered("p", "province", None),
    _registered("c1", "commune", "p"),
    _registered("c2", "commune", "p"),
    _registered("b1", "affiliated_branch", "c1"),
    _registered("b2", "affiliated_branch", "c1"),
    _registered("b3", "affiliated_branch", "c2"),
]
COMMUNE = ev.OrganisationGoLiveSet.produce(
    aggregate_version=2, organisation_id="c1", go_live_on=date(2026, 8, 15)
)
PILOT = ev.OrganisationGoLiveSet.produce(
    aggregate_version=2, organisation_id="b1", go_live_on=date(2026, 3, 1)
)
PILOT_REMOVED = ev.OrganisationGoLiveSet.produce(
    aggregate_version=3, organisation_id="b1", go_live_on=None
)


def _service(name: str) -> tuple[Path, dict[str, object]]:
    main = importlib.import_module(f"{name}.main")
    subscriptions = importlib.import_module(f"{name}.subscriptions").SUBSCRIPTIONS
    handlers = {key: h for sub in subscriptions for key, h in sub.handlers.items()}
    return main.MIGRATIONS, handlers


async def _deliver(db: object, handlers: dict[str, object], data: EventData) -> None:
    event = make_event(data, source="/registry", subject=f"organisations/{data.organisation_id}")  # type: ignore[attr-defined]
    async with UnitOfWork(db, source="/test") as uow:  # type: ignore[arg-type]
        await handlers[routing_key_of(type(data))](None, uow, event, data)  # type: ignore[operator]
        await uow.commit()


@pytest.mark.parametrize("service", ["meetings", "scoring", "notifications"])
async def test_every_replica_inherits_the_same_dates_whatever_the_order(
    db_url: str, service: str
) -> None:
    migrations, handlers = _service(service)
    day = date(2026, 10, 1)
    for order in permutations([COMMUNE, PILOT, PILOT_REMOVED]):
        db = await migrated(db_url, migrations)
        try:
            for data in TREE:
                await _deliver(db, handlers, data)
            async with db.session() as session:
                assert await golive.go_live_of(session, "b1", day) == golive.ALWAYS
                assert (await golive.load(session, day)).month_live("b3", 2000, 1)
            for data in order:
                await _deliver(db, handlers, data)
            async with db.session() as session:
                one = {o: await golive.go_live_of(session, o, day) for o in ("b1", "b2", "b3")}
                many = await golive.load(session, day)
            assert one == {"b1": date(2026, 8, 15), "b2": date(2026, 8, 15), "b3": None}, order
            assert {o: many.of(o) for o in ("p", "c1", "b1", "b2", "b3")} == {
                "p": None,
                "c1": date(2026, 8, 15),
                "b1": date(2026, 8, 15),
                "b2": date(2026, 8, 15),
                "b3": None,
            }, order
            assert many.source_of("b2") == "c1"
            assert many.live_months("b2", [(2026, m) for m in (7, 8, 9, 10)]) == [
                (2026, 9),
                (2026, 10),
            ]
            assert not many.judged("b1", "2026-Q2") and many.judged("b1", "2026-Q3")
            assert not many.judged("b3", "2030")  # not planned, in a planned deployment
            # A branch merged away keeps the date of the commune it last belonged to.
            merged = ev.OrganisationMerged.produce(
                aggregate_version=2, organisation_id="b2", into_id="b1", on=date(2026, 9, 1)
            )
            await _deliver(db, handlers, merged)
            async with db.session() as session:
                assert await golive.go_live_of(session, "b2", day) == date(2026, 8, 15)
                assert (await golive.load(session, day)).of("b2") == date(2026, 8, 15)
        finally:
            await db.dispose()
