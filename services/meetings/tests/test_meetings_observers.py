"""Observer reports: expected when a meeting is logged, due before the 10th, overdue once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import httpx
import pytest
import sqlalchemy as sa
from meetings_factories import meetings_api, observed_dong_ha, request, submission

from chibo_testing.tokens import holding
from meetings.observers.rules import late_by, observer_due, report_due_at
from meetings.observers.scheduled import sweep_once
from meetings.policy import load_meeting_rules
from service_kit.outbox import OutboxEvent
from service_kit.runtime import ServiceRuntime

# The observer assigned to Đông Hà, as their token says: the member and the grant.
OBSERVER = holding(("observer", "branch-dong-ha"), member_id="uv-xa-01")
# The shipped national rules: reports before the 10th, five days after a late logging.
NATIONAL = load_meeting_rules().in_force(date(2026, 11, 3))


def test_due_before_the_tenth_of_the_next_month() -> None:
    assert NATIONAL.observer_report_due_before_day == 10
    assert report_due_at(date(2026, 11, 3), 10) == datetime(2026, 12, 9, 17, tzinfo=UTC)
    assert report_due_at(date(2026, 12, 31), 10) == datetime(2027, 1, 9, 17, tzinfo=UTC)


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    async with meetings_api(
        db_url, now=datetime(2026, 11, 4, 3, tzinfo=UTC), seed=observed_dong_ha
    ) as found:
        yield found


async def events(rt: ServiceRuntime, key: str) -> list[dict]:  # type: ignore[type-arg]
    async with rt.db.session() as session:
        rows = (
            await session.execute(
                sa.select(OutboxEvent.payload).where(OutboxEvent.routing_key == key)
            )
        ).scalars()
        return [json.loads(r)["data"] for r in rows]


async def test_filed_on_time_with_scores_and_a_request(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    meeting = (
        await client.post("/v1/meetings", json=submission(), headers={"Idempotency-Key": "m"})
    ).json()
    (expected,) = (await client.get("/v1/observer-reports?branch_id=branch-dong-ha")).json()
    assert expected["status"] == "expected" and expected["observer_member_id"] == "uv-xa-01"
    body = {
        "attended": True,
        "scores": {"C4": 16, "C5": 4},
        "comments": "Sinh hoạt nghiêm túc.",
        "requests_raised": [request()],
    }
    filed = await client.post(
        f"/v1/meetings/{meeting['id']}/observer-reports",
        json=body,
        headers={"Idempotency-Key": "r", **OBSERVER},
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["filed_on_time"] is True
    (event,) = await events(rt, "meetings.observer_report.filed.v1")
    assert event["scores"] == {"C4": 16, "C5": 4} and event["request_count"] == 1
    (raised,) = (await client.get("/v1/requests")).json()["items"]
    assert raised["meeting_id"] == meeting["id"]
    again = await client.post(
        f"/v1/meetings/{meeting['id']}/observer-reports",
        json=body,
        headers={"Idempotency-Key": "r2", **OBSERVER},
    )
    assert again.status_code == 409


async def test_unassigned_observer_and_unknown_criteria_are_refused(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    meeting = (
        await client.post("/v1/meetings", json=submission(), headers={"Idempotency-Key": "m"})
    ).json()
    url = f"/v1/meetings/{meeting['id']}/observer-reports"
    # Who files comes from the token: a body naming an observer is refused outright.
    named = await client.post(
        url,
        json={"observer_member_id": "uv-xa-01", "attended": True},
        headers={"Idempotency-Key": "n", **OBSERVER},
    )
    assert (
        named.status_code == 422 and named.json()["errors"][0]["pointer"] == "/observer_member_id"
    )
    # A branch cannot file the "independent" observer report on itself, nor the office for them.
    for who in (
        holding(("secretary", "branch-dong-ha"), member_id="m01"),
        {},  # the province office of the test client
    ):
        own = await client.post(
            url, json={"attended": True}, headers={"Idempotency-Key": "o", **who}
        )
        assert own.status_code == 403, own.text
    # An observer of the branch, but not assigned on the meeting's date (no report expected).
    stranger = holding(("observer", "branch-dong-ha"), member_id="uv-khac")
    refused = await client.post(
        url, json={"attended": True}, headers={"Idempotency-Key": "a", **stranger}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not-assigned"
    # Which codes are observer-scored is the active rubric's (scoring); a code must be one.
    bad = await client.post(
        url,
        json={"attended": True, "scores": {"C2 !": 5}},
        headers={"Idempotency-Key": "b", **OBSERVER},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/scores/C2 !"


async def test_missing_report_is_flagged_overdue_once(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    await client.post("/v1/meetings", json=submission(), headers={"Idempotency-Key": "m"})
    rt.clock.set(datetime(2026, 12, 9, 16, 59, tzinfo=UTC))  # type: ignore[attr-defined]
    assert await sweep_once(rt.context) == 0
    rt.clock.set(datetime(2026, 12, 9, 17, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    assert await sweep_once(rt.context) == 1
    assert await sweep_once(rt.context) == 0
    (event,) = await events(rt, "meetings.observer_report.overdue.v1")
    assert event["observer_member_id"] == "uv-xa-01"


def test_a_late_logging_gives_the_observer_their_days_and_is_the_branchs() -> None:
    on_time = observer_due(date(2026, 11, 3), datetime(2026, 11, 4, 3, tzinfo=UTC), NATIONAL)
    assert on_time.due_at == on_time.month_due_at and not on_time.logged_late
    late = observer_due(date(2026, 11, 3), datetime(2026, 12, 8, 3, tzinfo=UTC), NATIONAL)
    assert late.month_due_at == datetime(2026, 12, 9, 17, tzinfo=UTC)
    assert late.due_at == datetime(2026, 12, 13, 17, tzinfo=UTC) and late.logged_late
    assert late_by("filed", datetime(2026, 12, 11, tzinfo=UTC), late.due_at, True) == "branch"
    assert late_by("overdue", None, late.due_at, True) == "observer"
    assert late_by("filed", datetime(2026, 12, 1, tzinfo=UTC), on_time.due_at, False) is None


async def test_a_late_logged_meeting_does_not_make_its_observer_overdue(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    # The November meeting is logged on 12 December, after the month's deadline (the 9th).
    rt.clock.set(datetime(2026, 12, 12, 3, tzinfo=UTC))  # type: ignore[attr-defined]
    meeting = (
        await client.post("/v1/meetings", json=submission(), headers={"Idempotency-Key": "m"})
    ).json()
    assert await sweep_once(rt.context) == 0
    (expected,) = (await client.get("/v1/observer-reports?branch_id=branch-dong-ha")).json()
    assert expected["status"] == "expected" and expected["logged_late"] is True
    assert expected["late_by"] == "branch"
    assert expected["month_due_at"].startswith("2026-12-09T17:00")
    assert expected["due_at"].startswith("2026-12-17T17:00")  # five days from the logging
    assert await events(rt, "meetings.observer_report.overdue.v1") == []
    # Filed within those days: on time, the lateness the branch's; scored on Nghệ An codes.
    rt.clock.set(datetime(2026, 12, 15, 3, tzinfo=UTC))  # type: ignore[attr-defined]
    filed = await client.post(
        f"/v1/meetings/{meeting['id']}/observer-reports",
        json={
            "attended": True,
            "strengths": "Chuẩn bị chu đáo.",
            "shortcomings": "Ít ý kiến phát biểu.",
            "scores": {"N3": 8, "N4": 7},
        },
        headers={"Idempotency-Key": "r", **OBSERVER},
    )
    assert filed.status_code == 201, filed.text
    out = filed.json()
    assert out["filed_on_time"] is True and out["late_by"] == "branch"
    assert (out["strengths"], out["shortcomings"]) == ("Chuẩn bị chu đáo.", "Ít ý kiến phát biểu.")
    (event,) = await events(rt, "meetings.observer_report.filed.v1")
    assert event["scores"] == {"N3": 8, "N4": 7} and event["filed_on_time"] is True
    duty = await client.get("/v1/observers/uv-xa-01/duty", params={"year": 2026}, headers=OBSERVER)
    assert duty.status_code == 200, duty.text
    summary = duty.json()
    assert (summary["reports_expected"], summary["filed_on_time"]) == (1, 1)
    assert summary["late_or_missing_by_observer"] == 0
    assert summary["late_by_branch_logging"] == 1 and summary["meetings_attended"] == 1


async def test_duty_counts_a_missed_report_against_the_observer(api) -> None:  # type: ignore[no-untyped-def]
    client, rt = api
    await client.post("/v1/meetings", json=submission(), headers={"Idempotency-Key": "m"})
    rt.clock.set(datetime(2026, 12, 10, 3, tzinfo=UTC))  # type: ignore[attr-defined]
    assert await sweep_once(rt.context) == 1
    duty = (await client.get("/v1/observers/uv-xa-01/duty", params={"year": 2026})).json()
    assert duty["late_or_missing_by_observer"] == 1 and duty["on_time_rate"] == 0
    assert duty["reports"][0]["late_by"] == "observer"
    other = holding(("secretary", "branch-khac"), member_id="m99")
    hidden = await client.get("/v1/observers/uv-xa-01/duty?year=2026", headers=other)
    assert hidden.json()["reports_expected"] == 0
