"""Rubrics through time, through the real consumer path (inbox + handler + outbox, no broker):
a 2018 meeting is scored under HD 12, a meeting before every rubric is recorded "no rubric"
(acknowledged, never dead-lettered), a Nghệ An branch is scored under its province's rubric and
its observer's N-criteria are taken."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from scoring_factories import deliver_registry, envelope, facts, organisation, scoring_app

from chibo_testing.tokens import signed_client
from event_contracts import CloudEvent, EventData, make_event
from event_contracts.events.meetings import ObserverReportFiled
from scoring.compliance.models import MeetingAttendance
from scoring.meeting_scores.models import MeetingScore, UnscoredMeeting
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

SCORED = "vn.chibo.scoring.meeting.scored.v1"
H_SELF = {"H1": 7, "H3": 5, "H4": 13}
N_SELF = {"N1": 5, "N3": 12, "N4": 13, "N5": 2}


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[Any]:
    app = await scoring_app(db_url)
    runtime: ServiceRuntime = app.state.runtime
    # Nghệ An (registry code NA) and Hà Giang (HG), one branch each, since 2015.
    await deliver_registry(
        runtime,
        organisation("na", None, kind="province", valid_from=date(2015, 1, 1)),
        organisation("na-x", "na", kind="commune", valid_from=date(2015, 1, 1)),
        organisation("na-b", "na-x", valid_from=date(2015, 1, 1)),
        organisation("hg", None, kind="province", valid_from=date(2015, 1, 1)),
        organisation("hg-x", "hg", kind="commune", valid_from=date(2015, 1, 1)),
        organisation("hg-b", "hg-x", valid_from=date(2015, 1, 1)),
    )
    async with runtime.uow() as uow:  # the registry's codes are the provinces' own
        for org_id, code in (("na", "NA"), ("hg", "HG")):
            await uow.session.execute(
                sa.text("UPDATE replica_organisation SET code = :c WHERE id = :i"),
                {"c": code, "i": org_id},
            )
        await uow.commit()
    yield app
    await runtime.db.dispose()


async def deliver(runtime: ServiceRuntime, event: CloudEvent, data: EventData) -> str:
    """What the consumer does with a delivery, minus the broker: inbox, handler, commit."""
    consumer = runtime.consumers[0]
    handler = consumer.subscription.handlers[event.routing_key]
    return await consumer._apply(handler, event, data)


async def _get(runtime: ServiceRuntime, model: Any, key: str) -> Any:
    async with runtime.db.session() as session:
        return await session.get(model, key)


async def _scored_events(runtime: ServiceRuntime) -> list[str]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.select(OutboxEvent.payload).where(OutboxEvent.event_type == SCORED)
        )
        return [json.loads(p)["subject"] for p in rows.scalars()]


async def test_a_2018_meeting_is_scored_under_hd12(app: Any) -> None:
    runtime = app.state.runtime
    meeting = facts(
        meeting_id="m-2018", branch_id="hg-b", held_on=date(2018, 11, 3), self_score=H_SELF
    )
    assert await deliver(runtime, envelope(meeting), meeting) == "ack"
    score = await _get(runtime, MeetingScore, "m-2018")
    assert (score.rubric_id, score.rubric_version) == ("hd12-2018", "2018-07-06")
    assert [c["code"] for c in score.criteria] == ["H1", "H2", "H3", "H4", "H5"]
    # 12 computed + 8 of 8 H1… : full computed marks plus the branch's own 7 + 5 + 13.
    assert score.total_points == 12 + 7 + 20 + 24 + 5 + 13 + 15
    assert score.grade == "tot"  # > 85% present, nobody unexcused, 100 minutes
    # The same meeting on the day HD 42 took effect: the HD 42 rubric, and HD 12 the day before.
    for day, rubric in ((date(2025, 10, 27), "hd12-2018"), (date(2025, 10, 28), "hd42-default")):
        later = facts(meeting_id=f"m-{day}", branch_id="hg-b", held_on=day)
        assert await deliver(runtime, envelope(later), later) == "ack"
        assert (await _get(runtime, MeetingScore, f"m-{day}")).rubric_id == rubric


async def test_a_meeting_before_every_rubric_is_recorded_no_rubric(app: Any) -> None:
    runtime = app.state.runtime
    early = facts(meeting_id="m-2017", branch_id="hg-b", held_on=date(2017, 12, 2))
    assert await deliver(runtime, envelope(early), early) == "ack"  # not dead-lettered
    assert await _get(runtime, MeetingScore, "m-2017") is None
    row = await _get(runtime, UnscoredMeeting, "m-2017")
    assert row.province_code == "HG" and row.meeting_version == 1
    assert row.reason.startswith("Không có bảng điểm nào có hiệu lực ngày 02/12/2017")
    assert "áp dụng từ 06/07/2018" in row.reason
    assert await _scored_events(runtime) == []
    async with runtime.db.session() as session:  # its roll is kept like any other
        kept = await session.scalar(
            sa.select(sa.func.count())
            .select_from(MeetingAttendance)
            .where(MeetingAttendance.meeting_id == "m-2017")
        )
    assert kept == 20
    # An observer report on it changes nothing and is not retried for ever.
    report = ObserverReportFiled.produce(
        aggregate_version=1,
        report_id="r-2017",
        meeting_id="m-2017",
        branch_id="hg-b",
        observer_member_id="uv",
        attended=True,
        scores={"C3": 3},
        filed_on_time=True,
    )
    event = make_event(report, source="/meetings", subject="meetings/m-2017")
    assert await deliver(runtime, event, report) == "ack"
    async with signed_client(app, "http://scoring") as client:
        got = await client.get("/v1/meeting-scores/m-2017")
        assert got.status_code == 200, got.text
        assert got.json()["status"] == "no_rubric" and got.json()["reason"] == row.reason
        assert (await client.get("/v1/meeting-scores/m-2017/versions")).status_code == 404
    # Corrected to a date HD 12 covers, it is scored and no longer "no rubric".
    moved = facts(
        meeting_id="m-2017", branch_id="hg-b", held_on=date(2018, 8, 2), aggregate_version=2
    )
    assert await deliver(runtime, envelope(moved), moved) == "ack"
    assert await _get(runtime, UnscoredMeeting, "m-2017") is None
    assert (await _get(runtime, MeetingScore, "m-2017")).rubric_id == "hd12-2018"
    assert await _scored_events(runtime) == ["meetings/m-2017/score"]


async def test_a_nghe_an_branch_is_scored_under_its_rubric_and_its_observer_scores_n_criteria(
    app: Any,
) -> None:
    runtime = app.state.runtime
    meeting = facts(
        meeting_id="m-na", branch_id="na-b", held_on=date(2026, 3, 4), self_score=N_SELF
    )
    assert await deliver(runtime, envelope(meeting), meeting) == "ack"
    score = await _get(runtime, MeetingScore, "m-na")
    assert score.rubric_id == "nghe-an-2021"
    self_total = score.self_total
    report = ObserverReportFiled.produce(
        aggregate_version=1,
        report_id="r-na",
        meeting_id="m-na",
        branch_id="na-b",
        observer_member_id="uv-na",
        attended=True,
        scores={"N1": 6, "N3": 15, "N4": 15, "N5": 3, "C4": 20},  # C4 is not this rubric's
        filed_on_time=True,
    )
    event = make_event(report, source="/meetings", subject="meetings/m-na")
    assert await deliver(runtime, event, report) == "ack"
    score = await _get(runtime, MeetingScore, "m-na")
    assert score.observer_manual == {"N1": 6, "N3": 15, "N4": 15, "N5": 3}
    assert score.observer_total == self_total + (6 - 5) + (15 - 12) + (15 - 13) + (3 - 2)
    by_code = {c["code"]: c for c in score.criteria}
    assert by_code["N3"]["observer_difference"] == 3 and by_code["N2"]["observer_difference"] == 0
    assert score.total_points == self_total  # the observer's sheet sits beside the official one
    # The branch of another province in the same deployment: the default rubric.
    other = facts(meeting_id="m-hg", branch_id="hg-b", held_on=date(2026, 3, 4))
    assert await deliver(runtime, envelope(other), other) == "ack"
    assert (await _get(runtime, MeetingScore, "m-hg")).rubric_id == "hd42-default"
    # What meetings reads to validate an observer's scores: the rubric in force for the branch.
    async with signed_client(app, "http://scoring") as client:
        got = await client.get("/v1/branches/na-b/rubric", params={"held_on": "2026-03-04"})
        assert got.status_code == 200, got.text
        body = got.json()
        assert (body["province_code"], body["rubric"]["id"]) == ("NA", "nghe-an-2021")
        regular = body["rubric"]["meeting_types"]["regular"]
        assert [i["key"] for i in regular["observer_items"]] == ["N1", "N3", "N4", "N5"]
        early = await client.get("/v1/branches/hg-b/rubric", params={"held_on": "2017-01-02"})
        assert early.json()["rubric"] is None and "06/07/2018" in early.json()["reason"]
