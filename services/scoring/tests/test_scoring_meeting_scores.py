"""Meeting scores through the real consumer path (inbox + handler + outbox, no broker):
the same final score whatever the order or number of deliveries, a pinned rubric version."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from scoring_factories import envelope, facts, roll, scoring_app

from event_contracts import CloudEvent
from event_contracts.events.meetings import MeetingSubmitted, RollEntry
from scoring.meeting_scores.models import MeetingCriterionScore, MeetingScore
from scoring.meeting_scores.service import confirm_score
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

V1 = facts(meeting_id="mt-1", branch_id="b-1")
V2 = facts(
    meeting_id="mt-1",
    branch_id="b-1",
    aggregate_version=2,
    roll=roll(19, 0, 1),
    speaker_ids=["present0"],
    self_score={"C3": 2, "C4": 15, "C5": 4},
)
E1, E2 = envelope(V1), envelope(V2)


@pytest.fixture
async def runtime(db_url: str) -> AsyncIterator[ServiceRuntime]:
    app = await scoring_app(db_url)
    runtime: ServiceRuntime = app.state.runtime
    yield runtime
    await runtime.db.dispose()


async def deliver(runtime: ServiceRuntime, event: CloudEvent, data: MeetingSubmitted) -> str:
    """What the consumer does with a delivery, minus the broker: inbox, handler, commit."""
    consumer = runtime.consumers[0]
    handler = consumer.subscription.handlers[event.routing_key]
    return await consumer._apply(handler, event, data)


async def stored(runtime: ServiceRuntime, meeting_id: str = "mt-1") -> dict[str, Any]:
    async with runtime.db.session() as session:
        score = await session.get(MeetingScore, meeting_id)
        assert score is not None
        rows = (
            await session.execute(
                sa.select(MeetingCriterionScore.code, MeetingCriterionScore.points)
                .where(MeetingCriterionScore.meeting_id == meeting_id)
                .order_by(MeetingCriterionScore.code)
            )
        ).all()
    out = score.model_dump(exclude={"score_version", "scored_at"})
    out["criteria_rows"] = [tuple(r) for r in rows]
    return out


async def test_stored_score_keeps_facts_explanations_and_its_rubric(
    runtime: ServiceRuntime,
) -> None:
    assert await deliver(runtime, E1, V1) == "ack"
    score = await stored(runtime)
    assert (score["rubric_id"], score["rubric_version"]) == ("hd42-default", "2025-10-28")
    c2 = next(c for c in score["criteria"] if c["code"] == "C2")
    assert c2["facts"]["attendance_rate"] == 1.0 and "(20/20;" in c2["explanation"]
    assert c2["self_points"] == 5 and c2["confirmed_points"] is None
    assert c2["facts"]["no_long_excused_absence"] is True  # nobody absent: C2's +1
    assert score["total_points"] == score["self_total"] == 100 and score["grade"] == "tot"
    assert (score["present_count"], score["counted_count"]) == (20, 20)
    assert len(score["criteria_rows"]) == 7
    async with runtime.db.session() as session:
        types = (await session.execute(sa.select(OutboxEvent.event_type))).scalars().all()
    assert types == ["vn.chibo.scoring.meeting.scored.v1"]


ORDERS = {
    "in order": [(E1, V1), (E2, V2)],
    "amendment first": [(E2, V2), (E1, V1)],
    "each twice": [(E1, V1), (E1, V1), (E2, V2), (E2, V2)],
    "redelivered under new ids": [(E2, V2), (envelope(V1), V1), (envelope(V2), V2)],
}


async def test_same_score_whatever_the_order_or_repetition(db_url: str) -> None:
    finals = []
    for name, deliveries in ORDERS.items():
        app = await scoring_app(db_url.replace("test.db", f"{abs(hash(name))}.db"))
        runtime = app.state.runtime
        if not runtime.db.is_sqlite:  # one PostgreSQL database per test: start from empty
            async with runtime.db.transaction() as session:
                for table in ("meeting_criterion_score", "meeting_score", "inbox_event"):
                    await session.execute(sa.text(f"DELETE FROM {table}"))
        for event, data in deliveries:
            await deliver(runtime, event, data)
        finals.append((name, await stored(runtime)))
        await runtime.db.dispose()
    first = finals[0][1]
    assert first["meeting_version"] == 2 and first["grade"] == "kha"
    for name, final in finals[1:]:
        assert final == first, name


def absent_through_april(month: int) -> MeetingSubmitted:
    """b-9's meeting of `month`: member "absent" (with a reason) January to April."""
    members = roll(19)
    if month <= 4:
        members.append(RollEntry(member_id="absent", attendance="excused"))
    return facts(
        meeting_id=f"b9-{month:02d}",
        branch_id="b-9",
        held_on=date(2026, month, 5),
        roll=members,
        speaker_ids=[],
    )


YEAR_ORDERS = {"in order": [1, 2, 3, 4, 5], "backwards": [5, 4, 3, 2, 1], "mixed": [4, 1, 5, 3, 2]}


async def test_absence_runs_do_not_depend_on_the_order_meetings_arrive_in(db_url: str) -> None:
    """April is the 4th meeting running "absent" missed: no +1 in C2 from then on, whichever
    month's record came first (a late record rescores the later meetings it changes)."""
    finals = []
    runtime = (await scoring_app(db_url)).state.runtime
    for name, months in YEAR_ORDERS.items():
        async with runtime.db.transaction() as session:  # start from empty
            for table in ("meeting_criterion_score", "meeting_score", "meeting_attendance"):
                await session.execute(sa.text(f"DELETE FROM {table}"))
        for month in months:
            record = absent_through_april(month)
            assert await deliver(runtime, envelope(record), record) == "ack"
        found = {}
        for month in range(1, 6):
            score = await stored(runtime, f"b9-{month:02d}")
            c2 = next(c for c in score["criteria"] if c["code"] == "C2")
            found[month] = (c2["points"], score["facts"]["longest_absence_run"])
        finals.append((name, found))
    await runtime.db.dispose()
    assert finals[0][1] == {1: (5, 1), 2: (5, 2), 3: (5, 3), 4: (4, 4), 5: (4, 4)}
    for name, found in finals[1:]:
        assert found == finals[0][1], name


async def test_an_amendment_moving_a_meeting_later_rescores_those_it_left(
    runtime: ServiceRuntime,
) -> None:
    """March's record moved to July: April's and May's run of "absent" is 3 again (+1 back in
    C2), though both come before the new date — the runs are refreshed from the earlier of the
    two. July's is 4 (May's roll does not name "absent": that neither breaks nor extends it)."""
    for month in range(1, 6):
        record = absent_through_april(month)
        assert await deliver(runtime, envelope(record), record) == "ack"
    moved = absent_through_april(3).model_copy(
        update={"aggregate_version": 2, "held_on": date(2026, 7, 5)}
    )
    assert await deliver(runtime, envelope(moved), moved) == "ack"
    found = {}
    for meeting_id in ("b9-01", "b9-02", "b9-04", "b9-05", "b9-03"):
        score = await stored(runtime, meeting_id)
        c2 = next(c for c in score["criteria"] if c["code"] == "C2")
        found[meeting_id] = (c2["points"], score["facts"]["longest_absence_run"])
    assert found == {
        "b9-01": (5, 1),
        "b9-02": (5, 2),
        "b9-04": (5, 3),
        "b9-05": (5, 3),
        "b9-03": (4, 4),
    }


async def test_a_duplicate_delivery_has_no_effect(runtime: ServiceRuntime) -> None:
    assert await deliver(runtime, E1, V1) == "ack"
    assert await deliver(runtime, E1, V1) == "duplicate"
    async with runtime.db.session() as session:
        events = (
            await session.execute(sa.select(sa.func.count()).select_from(OutboxEvent))
        ).scalar()
    assert events == 1


async def test_confirmation_and_amendment_commute(runtime: ServiceRuntime) -> None:
    points = {"C3": 1, "C4": 10, "C5": 2}
    now = datetime(2026, 11, 20, tzinfo=UTC)

    async def confirm() -> None:
        async with runtime.uow() as uow:
            await confirm_score(
                uow, runtime.context.rubrics, "mt-1", points, "Cấp ủy xã chấm lại", now
            )
            await uow.commit()

    await deliver(runtime, E1, V1)
    await confirm()
    await deliver(runtime, E2, V2)
    confirmed_then_amended = await stored(runtime)
    assert confirmed_then_amended["official_source"] == "confirmed"
    assert confirmed_then_amended["total_points"] == confirmed_then_amended["confirmed_total"]
    c4 = next(c for c in confirmed_then_amended["criteria"] if c["code"] == "C4")
    assert c4["confirmed_difference"] == c4["confirmed_points"] - c4["self_points"] == -5
    assert "cấp trên xác nhận 10/20" in c4["explanation"]

    async with runtime.db.transaction() as session:
        for table in ("meeting_criterion_score", "meeting_score", "inbox_event"):
            await session.execute(sa.text(f"DELETE FROM {table}"))
    await deliver(runtime, E1, V1)
    await deliver(runtime, E2, V2)
    await confirm()
    assert await stored(runtime) == confirmed_then_amended


async def test_the_rubric_is_pinned_at_the_first_scoring(runtime: ServiceRuntime) -> None:
    """A newer rubric version in force later does not rescore a stored meeting on amendment."""
    from scoring.rubrics.active import ActiveRubrics
    from scoring.rubrics.book import RubricBook

    await deliver(runtime, E1, V1)
    original = runtime.context.rubrics.book
    newer = original.rubrics[0].model_copy(
        update={"version": "2026-01-01", "effective_on": V1.held_on}
    )
    runtime.context.rubrics = ActiveRubrics.of(RubricBook((*original.rubrics, newer)))
    assert runtime.context.rubrics.for_meeting(V1.held_on).version == "2026-01-01"
    await deliver(runtime, E2, V2)
    assert (await stored(runtime))["rubric_version"] == "2025-10-28"


def test_orders_cover_every_permutation_of_two_versions() -> None:
    seen = {tuple(d.aggregate_version for _, d in deliveries) for deliveries in ORDERS.values()}
    assert {p for p in itertools.permutations((1, 2))} <= seen


async def test_amended_event_rescores_and_observer_points_sit_beside_self(
    runtime: ServiceRuntime,
) -> None:
    from event_contracts import make_event
    from event_contracts.events.meetings import MeetingAmended, ObserverReportFiled
    from service_kit.errors import TransientError

    report = ObserverReportFiled.produce(
        aggregate_version=1,
        report_id="rp-1",
        meeting_id="mt-1",
        branch_id="b-1",
        observer_member_id="uv-1",
        attended=True,
        scores={"C4": 12, "C5": 3},
        filed_on_time=True,
    )
    report_event = make_event(report, source="/services/meetings", subject="meetings/mt-1")
    with pytest.raises(TransientError):  # overtook the meeting: retried later, not lost
        await deliver(runtime, report_event, report)  # type: ignore[arg-type]
    assert await deliver(runtime, E1, V1) == "ack"
    amended = MeetingAmended.produce(**V2.model_dump(), amendment_reason="Ghi sai điểm danh")
    amended_event = make_event(amended, source="/services/meetings", subject="meetings/mt-1")
    assert await deliver(runtime, amended_event, amended) == "ack"
    after = await stored(runtime)
    assert after["meeting_version"] == 2 and after["grade"] != "tot"
    assert await deliver(runtime, report_event, report) == "ack"  # type: ignore[arg-type]
    with_observer = await stored(runtime)
    assert with_observer["observer_manual"] == {"C4": 12, "C5": 3}
    assert with_observer["observer_total"] is not None
    assert with_observer["observer_total"] < with_observer["self_total"]
    assert with_observer["total_points"] == after["total_points"]  # self stays official
